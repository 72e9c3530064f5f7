from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fugong.accounts"
    label = "accounts"
