"""Every untrustworthy store is refused by the module (fail closed for the reset), and a normal password login
through pam_unix on the same stack is unaffected. Runs in a private namespace on the real paths."""
from e2e_support import box, driver  # noqa: F401 (fixtures)
from e2e_support import MODULE, NOT_AVAILABLE, OFFER, SSPR, host_state, run_ns


def test_untrustworthy_stores_are_refused_and_password_login_is_unaffected(driver):
    before = host_state()
    res = run_ns("ns_store_hygiene.py", MODULE, SSPR, driver)
    assert host_state() == before
    base = res["baseline"]["transcript"]
    assert [t for s, t in base if s.startswith("PROMPT")] == ["Password: ", OFFER, "Recovery code: "], base
    print()
    bad = []
    for name, case in res["cases"].items():
        reset, login = case["reset"], case["login"]
        prompts = [t for s, t in reset["transcript"] if s.startswith("PROMPT")]
        ok = (reset["code"] not in (0, None) and prompts == ["Password: ", OFFER]
              and ["ERROR", NOT_AVAILABLE] in reset["transcript"]
              and login["code"] == 0 and login["transcript"] == [["PROMPT_OFF", "Password: "]]
              and case["store_untouched"])
        print(f"  {name:14} reset={reset['code']} {reset['transcript'][-1][1][:50]!r:55} login={login['code']} "
              f"{'ok' if ok else 'FAILED'}")
        if not ok:
            bad.append((name, case))
    assert bad == [], bad
    assert res["code_still_good"] == "accepted", "no refused case spent the code"
