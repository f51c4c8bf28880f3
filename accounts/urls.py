from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/sign-up/", views.sign_up, name="sign_up"),
    path(
        "account/sign-in/",
        auth_views.LoginView.as_view(
            template_name="accounts/sign_in.html",
            redirect_authenticated_user=True,
        ),
        name="sign_in",
    ),
    # POST only (Django's LogoutView): a link or a prefetch cannot sign anyone out.
    path(
        "account/sign-out/",
        auth_views.LogoutView.as_view(next_page="films:home"),
        name="sign_out",
    ),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_changed"),
        ),
        name="password_change",
    ),
    path(
        "account/password/changed/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password_changed",
    ),
    path(
        "account/password/reset/",
        views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_sent"),
        ),
        name="password_reset",
    ),
    path(
        "account/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path("account/export.json", views.export, {"data_format": "json"}, name="export_json"),
    path("account/export.csv", views.export, {"data_format": "csv"}, name="export_csv"),
    path("account/delete/", views.delete_account, name="delete"),
]
