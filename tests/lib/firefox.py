"""firefox-esr as the tests and benchmarks start it: a fresh profile that asks nothing at its
first start and reaches for no network."""
import os

QUIET_PREFS = ("browser.shell.checkDefaultBrowser", "browser.aboutwelcome.enabled",
               "datareporting.policy.dataSubmissionEnabled", "app.update.auto",
               "network.captive-portal-service.enabled", "network.connectivity-service.enabled")


def quiet_profile(profile):
    """Writes the profile directory @profile's user.js (the directory must exist)."""
    with open(os.path.join(profile, "user.js"), "w") as f:
        for pref in QUIET_PREFS:
            f.write('user_pref("%s", false);\n' % pref)
