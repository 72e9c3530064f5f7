"""Reference lists of the ledger: the departments problems go to, and the default route of each category.

A route names the department by name, so a fresh database needs no fixture: the department is created
the first time a problem is routed to it (services.default_department).
"""

# The 工信厅's own divisions, the other provincial departments and the twelve league bureaus.
DEPARTMENTS = [
    "工信厅运行监测协调局", "工信厅中小企业局", "工信厅原材料工业处", "工信厅消费品工业处", "工信厅装备工业处",
    "发展和改革委员会", "交通运输厅", "人力资源和社会保障厅", "商务厅", "财政厅", "市场监督管理局",
    "地方金融监督管理局", "人民银行呼和浩特中心支行", "卫生健康委员会", "公安厅交通管理局",
    "呼和浩特市工业和信息化局", "包头市工业和信息化局", "乌海市工业和信息化局", "赤峰市工业和信息化局",
    "通辽市工业和信息化局", "鄂尔多斯市工业和信息化局", "呼伦贝尔市工业和信息化局", "巴彦淖尔市工业和信息化局",
    "乌兰察布市工业和信息化局", "兴安盟工业和信息化局", "锡林郭勒盟工业和信息化局", "阿拉善盟工业和信息化局",
]  # fmt: skip

# The league bureau by league code: where an overdue problem is escalated first.
LEAGUE_BUREAUS = {
    "150100": "呼和浩特市工业和信息化局", "150200": "包头市工业和信息化局", "150300": "乌海市工业和信息化局",
    "150400": "赤峰市工业和信息化局", "150500": "通辽市工业和信息化局", "150600": "鄂尔多斯市工业和信息化局",
    "150700": "呼伦贝尔市工业和信息化局", "150800": "巴彦淖尔市工业和信息化局", "150900": "乌兰察布市工业和信息化局",
    "152200": "兴安盟工业和信息化局", "152500": "锡林郭勒盟工业和信息化局", "152900": "阿拉善盟工业和信息化局",
}  # fmt: skip

# category -> (department, working days when normal, working days when urgent)
ROUTES = {
    "approvals": ("发展和改革委员会", 10, 5),
    "labour": ("人力资源和社会保障厅", 5, 3),
    "financing": ("地方金融监督管理局", 10, 5),
    "backlog": ("商务厅", 10, 5),
    "transport": ("交通运输厅", 3, 1),
    "raw_materials": ("工信厅运行监测协调局", 5, 2),
    "funding": ("人民银行呼和浩特中心支行", 10, 5),
    "qualifications": ("市场监督管理局", 10, 5),
    "inspection": ("市场监督管理局", 5, 3),
    "epidemic_supplies": ("工信厅运行监测协调局", 3, 1),
    "arrears": ("工信厅中小企业局", 15, 10),
    "supply_chain": ("工信厅运行监测协调局", 10, 5),
    "other": ("工信厅运行监测协调局", 10, 5),
    "policy": ("工信厅中小企业局", 10, 5),
}

# Working days after resolution before the ledger confirms on the enterprise's behalf.
AUTO_CONFIRM_DAYS = 5
# Working days overdue before an escalation to the league goes on to the region.
REGION_AFTER_DAYS = 3
# Working days before the deadline in which a problem counts as due soon.
DUE_SOON_DAYS = 2
# Days within which the same enterprise raising the same category suggests a merge.
MERGE_WINDOW_DAYS = 7

# The categories as the brief and the 问题清单 name them, whatever the reader's language.
CATEGORY_ZH = {
    "approvals": "手续审批", "labour": "用工", "financing": "融资", "backlog": "产品积压", "transport": "运输物流",
    "raw_materials": "原材料供应", "funding": "资金", "qualifications": "资质恢复", "inspection": "产品送检",
    "epidemic_supplies": "防疫物资", "arrears": "清欠", "supply_chain": "产业链协同", "other": "其他",
    "policy": "政策落实",
}  # fmt: skip
