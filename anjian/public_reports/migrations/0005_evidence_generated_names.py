"""Evidence files uploaded with a report lose their original names (issue 13 item 4): a
reporter's file name can identify them. Existing ones are renamed 举报附件1.jpg, 举报附件2.mp4 …"""

from django.db import migrations


def rename(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Attachment = apps.get_model("documents", "Attachment")
    ct = ContentType.objects.filter(app_label="public_reports", model="report").first()
    if ct is None:
        return
    numbers: dict[str, int] = {}
    for att in Attachment.objects.filter(content_type=ct, role="evidence").order_by("object_id", "id").iterator():
        numbers[att.object_id] = numbers.get(att.object_id, 0) + 1
        ext = att.original_name.rsplit(".", 1)[-1].lower() if "." in att.original_name else "bin"
        if not ext.isalnum() or len(ext) > 5:
            ext = "bin"
        att.original_name = f"举报附件{numbers[att.object_id]}.{ext}"
        att.save(update_fields=["original_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("public_reports", "0004_submission_request_hash"),
        ("documents", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
