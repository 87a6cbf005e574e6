# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
"""Translations through the real libpam: the PAM application's locale reaches the helper, which speaks it and
accepts the locale's own yes; the sspr command follows LANG.

The locales must exist, and the host's must not change: de_DE, fr_FR and es_ES are built once with localedef
into a temporary directory, and each run that needs them happens in a private mount namespace (`unshare -m`)
where that directory is bind-mounted over /usr/lib/locale. The helper and the command are copies laid out as an
installation (PREFIX/libexec/sspr/sspr-reset, PREFIX/bin/sspr, PREFIX/share/locale/LANG/LC_MESSAGES/sspr.mo
compiled from po/ with msgfmt --check): the programs find their catalogues beside themselves, as installed ones
do, without any option that could weaken the installed helper."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, MODULE_FILE, REPO, Script
from test_reset_flow import enrol_codes, shadow_hash

PAM_SUCCESS, PAM_AUTH_ERR = 0, 7
NEW = "Brand-new-Pw-42"
LANGUAGES = ("de", "fr", "es")
LOCALES = {"de": ("de_DE", "de_DE.UTF-8"), "fr": ("fr_FR", "fr_FR.UTF-8"), "es": ("es_ES", "es_ES.UTF-8")}

OFFER = {
    "de": "Passwort vergessen? Geben Sie ja ein, um es zurückzusetzen, oder drücken Sie die Eingabetaste, um es "
          "erneut zu versuchen: ",
    "fr": "Mot de passe oublié ? Tapez oui pour le réinitialiser, ou appuyez sur Entrée pour réessayer : ",
    "es": "¿Ha olvidado su contraseña? Escriba sí para restablecerla, o pulse Intro para volver a intentarlo: ",
}
OFFER_EN = "Forgot your password? Type yes to reset it, or press Enter to try again: "


def build_prefix(where):
    """An installation tree: the release helper and command, and the catalogues compiled from po/."""
    prefix = Path(where)
    (prefix / "libexec/sspr").mkdir(parents=True)
    (prefix / "bin").mkdir()
    for source, target in ((BIN / "sspr-reset", prefix / "libexec/sspr/sspr-reset"), (BIN / "sspr", prefix / "bin/sspr")):
        shutil.copy(source, target)
        os.chmod(target, 0o755)
    for lang in LANGUAGES:
        out = prefix / "share/locale" / lang / "LC_MESSAGES"
        out.mkdir(parents=True)
        subprocess.run(["msgfmt", "--check", "-o", str(out / "sspr.mo"), str(REPO / "po" / f"{lang}.po")], check=True)
    for d in [prefix, *[p for p in prefix.rglob("*") if p.is_dir()]]:
        os.chmod(d, 0o755)
    return prefix


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """(prefix, locale data directory, namespace wrapper for a program)."""
    top = tmp_path_factory.mktemp("i18n")
    prefix = build_prefix(top / "prefix")
    data = top / "locale-data"
    data.mkdir()
    for lang, (source, _) in LOCALES.items():
        subprocess.run(["localedef", "-i", source, "-f", "UTF-8", str(data / f"{source}.utf8")], check=True,
                       capture_output=True)
    os.chmod(data, 0o755)
    # Runs its arguments in a private mount namespace with the built locales as the system's.
    wrapper = top / "in-locale-namespace"
    wrapper.write_text("#!/bin/sh\nexec unshare -m --propagation private /bin/sh -c "
                       "'mount --bind \"$0\" /usr/lib/locale && exec \"$@\"' " f"'{data}' \"$@\"\n")
    os.chmod(wrapper, 0o755)
    return prefix, data, wrapper


@pytest.fixture
def localized(sandbox, installed, driver, tmp_path):
    """The sandbox with the installed helper in its stack and the driver started inside the namespace."""
    prefix, _, wrapper = installed
    module = f"{MODULE_FILE} helper={prefix}/libexec/sspr/sspr-reset root={sandbox.root}"
    (sandbox.confdir / "login").write_text("\n".join([
        f"auth [success=1 default=ignore] {module}", "auth requisite pam_deny.so", "auth required pam_permit.so",
        f"session optional {module}"]) + "\n")
    launcher = tmp_path / "driver-in-namespace"
    launcher.write_text(f"#!/bin/sh\nexec '{wrapper}' '{driver}' \"$@\"\n")
    os.chmod(launcher, 0o755)
    sandbox.driver = launcher
    return sandbox


def prompts(transcript):
    return [text for style, text in transcript if style.startswith("PROMPT")]


def test_german_reset_shows_german_prompts_and_accepts_ja(localized):
    codes = enrol_codes(localized, "alice")
    old = shadow_hash(localized, "alice")
    script = Script({OFFER["de"]: "ja", "Wiederherstellungscode: ": codes[0],
                     "Neues Passwort: ": NEW, "Neues Passwort wiederholen: ": NEW})
    transcript, results = localized.pam("alice", script, extra=("--locale", "de_DE.UTF-8"))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert prompts(transcript) == [OFFER["de"], "Wiederherstellungscode: ", "Neues Passwort: ", "Neues Passwort wiederholen: "]
    assert ("INFO", "Ihr Passwort wurde zurückgesetzt.") in transcript
    assert shadow_hash(localized, "alice") != old


def test_german_wrong_proof_and_menu_are_german(localized):
    enrol_codes(localized, "alice")
    localized.sspr("admin", "enroll", "alice", "totp", "--secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    script = Script({OFFER["de"]: "j", "Wählen Sie eine Methode [1-2]: ": "2", "Wiederherstellungscode: ": "WRNGX-CDEFG"})
    transcript, results = localized.pam("alice", script, extra=("--locale", "de_DE.UTF-8"))
    assert results["authenticate"] == PAM_AUTH_ERR
    texts = [text for _, text in transcript]
    assert texts[1:4] == ["Bestätigen Sie Ihre Identität:", "  1. Code der Authenticator-App", "  2. Wiederherstellungscode"]
    assert ("ERROR", "Das war nicht richtig.") in transcript
    assert ("ERROR", "Zu viele Versuche.") in transcript
    assert not any("not right" in text or "Too many" in text for _, text in transcript), "no English left over"


@pytest.mark.parametrize("answer", ["yes", "Y", " JA "])
def test_german_offer_still_takes_yes_and_its_own_yes_in_any_case(localized, answer):
    enrol_codes(localized, "alice")
    script = Script({OFFER["de"]: answer, "Wiederherstellungscode: ": "wrngx-cdefg"})
    transcript, _ = localized.pam("alice", script, extra=("--locale", "de_DE.UTF-8"))
    assert "Wiederherstellungscode: " in prompts(transcript)


def test_german_yes_replayed_to_every_prompt_counts_no_proof(localized):
    """A locker that replays the typed `ja` (docs/security.md): refused in German, never a failed proof."""
    enrol_codes(localized, "alice")
    for _ in range(3):
        transcript, results = localized.pam("alice", lambda style, text: "ja", extra=("--locale", "de_DE.UTF-8"))
        assert ("ERROR", "Ein Wiederherstellungscode hat 10 Buchstaben und Ziffern.") in transcript, transcript
        assert ("ERROR", "Das war nicht richtig.") not in transcript
    audit = json.loads(localized.sspr("admin", "audit", "--json", "--user", "alice").stdout)
    assert not [a for a in audit if a["event"] == "proof" and a["result"] == "fail"]


@pytest.mark.parametrize("answer", ["jetzt nicht", "nein", "1", "+", "oui", ""])
def test_german_offer_declines_anything_else(localized, answer):
    enrol_codes(localized, "alice")
    before = localized.shadow.read_bytes()
    transcript, results = localized.pam("alice", Script({OFFER["de"]: answer}), extra=("--locale", "de_DE.UTF-8"))
    # The module ignores the reset; the stack's pam_deny then fails the login as before.
    assert results["authenticate"] == PAM_AUTH_ERR
    assert prompts(transcript) == [OFFER["de"]] and len(transcript) == 1
    assert localized.shadow.read_bytes() == before


@pytest.mark.parametrize("answer", ["oui", "o", "Oui", "yes"])
def test_french_offer_accepts_oui_and_refuses_in_french(localized, answer):
    # An unknown name: the French "not available" words, after the French offer.
    transcript, results = localized.pam("nobody-here", Script({OFFER["fr"]: answer}), extra=("--locale", "fr_FR.UTF-8"))
    assert prompts(transcript) == [OFFER["fr"]]
    assert ("ERROR", "La réinitialisation du mot de passe n'est pas disponible pour ce compte.") in transcript
    assert results["authenticate"] != PAM_SUCCESS


def test_french_full_reset(localized):
    codes = enrol_codes(localized, "alice")
    script = Script({OFFER["fr"]: "oui", "Code de récupération : ": codes[1],
                     "Nouveau mot de passe : ": NEW, "Retapez le nouveau mot de passe : ": NEW})
    transcript, results = localized.pam("alice", script, extra=("--locale", "fr_FR.UTF-8"))
    assert results["authenticate"] == PAM_SUCCESS, transcript
    assert ("INFO", "Votre mot de passe a été réinitialisé.") in transcript


@pytest.mark.parametrize("answer", ["sí", "si", "s", "SÍ", "y"])
def test_spanish_offer_accepts_si(localized, answer):
    enrol_codes(localized, "alice")
    script = Script({OFFER["es"]: answer, "Código de recuperación: ": "CDGFX-22222"})
    transcript, results = localized.pam("alice", script, extra=("--locale", "es_ES.UTF-8"))
    assert prompts(transcript)[:2] == [OFFER["es"], "Código de recuperación: "]
    assert ("ERROR", "Eso no era correcto.") in transcript
    assert results["authenticate"] == PAM_AUTH_ERR


def test_spanish_mismatched_passwords_in_spanish(localized):
    codes = enrol_codes(localized, "alice")
    typed = iter([NEW, NEW + "x", NEW, NEW])
    script = Script({OFFER["es"]: "sí", "Código de recuperación: ": codes[0],
                     "Nueva contraseña: ": lambda _: next(typed), "Vuelva a escribir la nueva contraseña: ": lambda _: next(typed)})
    transcript, results = localized.pam("alice", script, extra=("--locale", "es_ES.UTF-8"))
    assert ("ERROR", "Las contraseñas no coinciden.") in transcript
    assert ("INFO", "Su contraseña se ha restablecido.") in transcript
    assert results["authenticate"] == PAM_SUCCESS


@pytest.mark.skipif(not shutil.which("ecryptfs-wrap-passphrase"), reason="needs ecryptfs-utils (make deps)")
def test_what_the_reset_costs_is_said_in_german_and_continue_takes_ja(localized):
    from home_secrets_support import UID, make_home, wrap_passphrase
    localized.policy("encrypted_home = warn\n")
    wrap_passphrase(make_home(localized) / ".ecryptfs/wrapped-passphrase", "b" * 32, "Old-password-1", UID["alice"])
    codes = enrol_codes(localized, "alice")
    script = Script({OFFER["de"]: "ja", "Wiederherstellungscode: ": codes[0],
                     "Fortfahren? Geben Sie ja ein, um trotzdem zurückzusetzen: ": "ja",
                     "Neues Passwort: ": NEW, "Neues Passwort wiederholen: ": NEW})
    transcript, results = localized.pam("alice", script, extra=("--locale", "de_DE.UTF-8"))
    assert ("INFO", "Ihr persönlicher Ordner ist mit Ihrem aktuellen Passwort verschlüsselt (eCryptfs).") in transcript
    assert results["authenticate"] == PAM_SUCCESS, transcript
    # "no" at the same question: nothing changes, and the user hears so in Spanish too.
    before = localized.shadow.read_bytes()
    script = Script({OFFER["es"]: "sí", "Código de recuperación: ": codes[1],
                     "¿Continuar? Escriba sí para restablecerla de todos modos: ": "no"})
    transcript, results = localized.pam("alice", script, extra=("--locale", "es_ES.UTF-8"))
    assert ("INFO", "Su contraseña no se ha cambiado y los códigos introducidos no se han gastado.") in transcript
    assert results["authenticate"] != PAM_SUCCESS and localized.shadow.read_bytes() == before


def test_session_reminder_in_french(localized):
    localized.policy("require_registration = yes\n")
    enrol_codes(localized, "judy")  # creates the store
    transcript, results = localized.pam("alice", Script({OFFER["fr"]: ""}), extra=("--session", "--locale", "fr_FR.UTF-8"))
    assert ("INFO", "Configurez la réinitialisation du mot de passe pour pouvoir récupérer votre compte : sspr register") \
        in transcript
    assert results["open_session"] == 0


def test_a_locale_that_is_not_installed_leaves_english(localized, driver):
    # Outside the namespace de_DE does not exist on this host: the driver refuses it; with the C locale the
    # conversation is the contract's English.
    localized.driver = driver
    transcript, results = localized.pam("nobody-here", Script({OFFER_EN: "ja"}))
    assert prompts(transcript) == [OFFER_EN] and len(transcript) == 1 and results["authenticate"] == PAM_AUTH_ERR


def test_catalogues_someone_else_could_write_are_not_used(localized, installed):
    # A helper whose share/locale could be written by others than root speaks English (LocaleDirectory).
    prefix, _, _ = installed
    share = prefix / "share"
    os.chmod(share, 0o777)
    try:
        transcript, _ = localized.pam("nobody-here", Script({OFFER_EN: ""}), extra=("--locale", "de_DE.UTF-8"))
    finally:
        os.chmod(share, 0o755)
    assert prompts(transcript) == [OFFER_EN]


def run_cli(installed, sandbox, lang, *args):
    prefix, _, wrapper = installed
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": lang}
    return subprocess.run([str(wrapper), str(prefix / "bin/sspr"), *args, "--root", str(sandbox.root)],
                          capture_output=True, env=env)


def test_cli_speaks_german_under_lang_de(installed, sandbox):
    enrol_codes(sandbox, "alice")
    r = run_cli(installed, sandbox, "de_DE.UTF-8", "status", "--user", "alice")
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    assert "Konto:                 alice" in out
    assert "Registrierte Methoden: recovery_code" in out
    assert "Verbleibende Wiederherstellungscodes: 10" in out
    r = run_cli(installed, sandbox, "de_DE.UTF-8", "add", "bogus", "--user", "alice")
    assert r.returncode == 2 and r.stderr.decode().strip() == 'sspr: unbekannte Methode "bogus"'
    r = run_cli(installed, sandbox, "fr_FR.UTF-8", "add", "bogus", "--user", "alice")
    assert r.returncode == 2 and r.stderr.decode().strip() == "sspr: méthode inconnue « bogus »"
    r = run_cli(installed, sandbox, "es_ES.UTF-8", "admin", "unlock", "nadie")
    assert r.returncode == 1 and r.stderr.decode().strip() == "sspr: no existe la cuenta: nadie"
    # The same program under the C locale: the English words scripts rely on.
    r = run_cli(installed, sandbox, "C", "status", "--user", "alice")
    assert "Account:            alice" in r.stdout.decode()
