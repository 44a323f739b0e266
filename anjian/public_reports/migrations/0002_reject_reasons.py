from django.db import migrations

REASONS = [
    ("outside_remit", "不属于安全生产监管职责", "Outside our remit",
     "您反映的事项不属于安全生产监管职责范围，建议向有关主管部门反映。", 10),
    ("no_content", "举报内容不具体、无法核查", "No verifiable content",
     "您的举报缺少具体的单位、地点或事实，无法核查。欢迎补充后重新举报。", 20),
    ("duplicate", "重复举报", "Duplicate", "您反映的事项已有其他举报，正在一并处理。", 30),
    ("already_handled", "已处理完毕的事项", "Already handled", "您反映的事项已经依法处理完毕。", 40),
    ("other_procedure", "应通过其他法定途径解决", "Belongs to another procedure",
     "您反映的事项应通过诉讼、仲裁、信访等其他法定途径解决。", 50),
]


def add(apps, schema_editor):
    RejectReason = apps.get_model("public_reports", "RejectReason")
    for code, label, label_en, public_text, order in REASONS:
        RejectReason.objects.get_or_create(
            code=code, defaults={"label": label, "label_en": label_en, "public_text": public_text, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("public_reports", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
