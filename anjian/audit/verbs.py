"""The names of timeline event kinds (``Event.verb``), shown in the audit search and its filter.

Workflow transitions (``<workflow>.<state>``) name themselves (``anjian.core.workflow``); every
other ``record_event`` verb is named here. An unnamed verb shows as itself, and
``tests/core/test_readable.py`` fails on it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.audit.display import register_verbs

register_verbs(
    [
        # shared
        ("created", _("新建")),
        ("updated", _("修改")),
        ("deleted", _("删除")),
        ("set", _("设置")),
        ("escalated", _("逾期升级")),
        ("attachments_added", _("上传附件")),
        # organisation and accounts
        ("boundary_changed", _("更新辖区边界")),
        ("renamed", _("辖区更名")),
        ("route_set", _("设置行业路由")),
        ("duty_set", _("安全生产职责")),
        ("inherent_risk_set", _("设置行业固有风险")),
        ("defaults_added", _("补充默认操作")),
        ("actions_changed", _("修改角色权限")),
        ("membership_granted", _("授权")),
        ("series_created", _("新建文号序列")),
        ("series_changed", _("修改文号序列")),
        ("membership_revoked", _("撤销授权")),
        ("password_changed", _("修改密码")),
        ("token_created", _("创建API令牌")),
        ("token_revoked", _("吊销API令牌")),
        ("tokens_revoked", _("吊销API令牌")),
        ("city_setup", _("平台初始化")),
        ("escalation_refused", _("越权操作被拒绝")),
        ("activated", _("启用账号")),
        ("deactivated", _("停用账号")),
        ("password_reset", _("重置初始密码")),
        ("previewed", _("上传待确认")),
        ("committed", _("确认导入")),
        ("undone", _("撤销导入")),
        ("discarded", _("放弃")),
        ("boundaries_imported", _("导入下级边界")),
        ("boundaries_import_undone", _("撤销下级边界导入")),
        # documents
        ("issued", _("取号")),
        ("voided", _("作废文号")),
        # enterprises
        ("risk_changed", _("风险等级变化")),
        ("licence_added", _("登记证照")),
        ("licence_renewed", _("证照延续")),
        ("change_requested", _("申请变更监管信息")),
        ("change_approved", _("已批准变更申请")),
        ("change_rejected", _("已驳回变更申请")),
        # checklists
        ("checklist.created", _("新建排查标准")),
        ("checklist.draft_created", _("新建草稿")),
        ("checklist.items_set", _("更新条目")),
        ("checklist.published", _("发布")),
        ("checklist.retired", _("废止")),
        ("checklist.draft_deleted", _("删除草稿")),
        # grids
        ("grid_staff_set", _("调整网格人员")),
        ("patrol_plan_generated", _("生成巡查计划")),
        ("patrol_recorded", _("巡查")),
        ("patrol_findings", _("巡查发现隐患")),
        # hazards
        ("hazard.reported", _("上报隐患")),
        ("hazard.plan_set", _("编制治理方案")),
        ("hazard.rerouted", _("改派")),
        ("hazard.penalised", _("行政处罚")),
        ("hazard.repeat_offender", _("屡查屡犯")),
        ("hazard.referral_decided", _("提请关闭决定")),
        ("hazard.listed", _("挂牌督办")),
        ("hazard.listing_written_off", _("摘牌")),
        ("hazard.risk_assessed", _("风险评价")),
        ("hazard.imported", _("台账导入")),
        # accidents
        ("reported", _("快报")),
        ("late", _("迟报")),
        ("supplemented", _("续报")),
        ("supplement_note", _("补报记录")),
        ("grade_raised", _("等级升高")),
        ("verified", _("核报")),
        ("warning_acknowledged", _("知悉并部署")),
        ("grade_raise_acknowledged", _("核报等级变化")),
        ("misreport", _("认定迟报漏报谎报瞒报")),
        ("investigation_opened", _("成立调查组")),
        ("opened", _("成立调查组")),
        ("extended", _("延长调查期限")),
        ("report_late", _("调查报告逾期")),
        ("reply_late", _("批复逾期")),
        ("measure_done", _("整改措施落实")),
        ("published", _("调查报告公布")),
        ("closed", _("结案")),
        ("accountability_added", _("责任追究")),
        ("accountability_follow_up", _("责任追究落实")),
        ("generated", _("生成月报")),
        ("regenerated", _("重新生成月报")),
        # monitoring
        ("assessed", _("辨识分级")),
        ("reassessed", _("变更复评")),
        ("retired", _("核销")),
        ("deactivated", _("停用测点")),
        ("reactivated", _("重新启用测点")),
        ("raised", _("报警")),
        ("upgraded", _("报警升级")),
        ("cleared", _("报警解除")),
        ("hazard_created", _("生成隐患")),
        ("hazard_skipped", _("未生成隐患")),
        # public reports
        ("public_report.received", _("收到举报")),
        ("public_report.merged_in", _("合并重复举报")),
        ("public_report.extension_requested", _("申请延期")),
        ("public_report.extension_approved", _("批准延期")),
        ("public_report.extension_refused", _("不批准延期")),
        ("public_report.replied", _("答复")),
        ("public_report.note", _("内部意见")),
        ("public_report.identity_viewed", _("查看举报人身份")),
        ("public_report.looked_up", _("调阅举报")),
        ("public_report.reward_proposed", _("拟定举报奖励")),
        ("public_report.reward_approved", _("批准举报奖励")),
        ("public_report.reward_refused", _("不批准举报奖励")),
        ("public_report.reward_notified", _("通知领取奖励")),
        ("public_report.reward_paid", _("发放举报奖励")),
        ("public_report.reward_lapsed", _("逾期未领取奖励")),
        ("public_report.policy_set", _("设置举报奖励标准")),
    ]
)
