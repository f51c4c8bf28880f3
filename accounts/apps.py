from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out


class AccountsConfig(AppConfig):
    """Optional accounts: sign up, sign in, sign out, passwords (Django's own auth views),
    the votes and watchlist of the browser joining the account on sign-in, export and
    deletion of one's data."""

    name = "accounts"

    def ready(self):
        from accounts.joining import join_browser_to_account, say_signed_out

        user_logged_in.connect(join_browser_to_account, dispatch_uid="accounts.join_browser")
        user_logged_out.connect(say_signed_out, dispatch_uid="accounts.say_signed_out")
