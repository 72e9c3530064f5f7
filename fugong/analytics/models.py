from fugong.analytics.rollup_models import RollupDay, RollupKey, RollupMember, RollupState

__all__ = ["RollupDay", "RollupKey", "RollupMember", "RollupState"]
