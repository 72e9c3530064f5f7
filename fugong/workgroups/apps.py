from django.apps import AppConfig


class WorkgroupsConfig(AppConfig):
    name = "fugong.workgroups"
    label = "workgroups"
