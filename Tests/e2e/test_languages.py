"""The reset speaks the user's language on a real login: login(1) on a pseudo-terminal under LANG=de_DE.UTF-8
shows sspr's German prompts, accepts "ja", and the new password then logs in through pam_unix. In private mount
and pid namespaces (Tests/support/namespace_env.py, ns_languages.py): the host's locales, catalogues and files are
not touched."""
from e2e_support import MODULE, REPO, SSPR, host_state, run_ns


def test_login_under_lang_de_resets_in_german_and_accepts_ja():
    before = host_state()
    res = run_ns("ns_languages.py", MODULE, SSPR, REPO)
    print(f"\nlocaledef {res['localedef_seconds']} s; transcript of the reset:\n{res['transcript']}")
    assert res["etc_is_copy"]
    assert res["reset_exit"] == [0, None], res["transcript"]
    assert res["new_exit"] == [0, None] and res["new_works"]
    assert res["english_in_reset"] == [], "every sspr line of the reset is German"
    assert host_state() == before
