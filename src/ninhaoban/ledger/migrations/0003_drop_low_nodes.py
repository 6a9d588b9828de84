# Subtrees below FIRST_STORED_LEVEL (4) are recomputed from leaves and no longer stored.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0002_leaf_and_pending_tables'),
    ]

    operations = [
        migrations.RunSQL(
            f"DELETE FROM ledger_node WHERE id < {4 << 48}", migrations.RunSQL.noop
        ),
    ]
