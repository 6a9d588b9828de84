# Integration writes narrow insert-only tables instead of updating ledger_entry.

import django.db.models.deletion
from django.db import migrations, models


def move_indices(apps, schema_editor):
    """Existing entries keep their index (as a leaf) or stay queued (as pending)."""
    Entry = apps.get_model("ledger", "LedgerEntry")
    Leaf = apps.get_model("ledger", "LedgerLeaf")
    Pending = apps.get_model("ledger", "LedgerPending")
    leaves, pending = [], []
    for entry in Entry.objects.order_by("id").iterator():
        if entry.index is None:
            pending.append(Pending(entry_id=entry.id, leaf_hash=entry.leaf_hash))
        else:
            leaves.append(Leaf(index=entry.index, entry_id=entry.id, leaf_hash=entry.leaf_hash))
    Leaf.objects.bulk_create(leaves, batch_size=5000)
    Pending.objects.bulk_create(pending, batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='ledgerentry',
            name='ledger_pending',
        ),
        migrations.CreateModel(
            name='LedgerLeaf',
            fields=[
                ('index', models.BigIntegerField(primary_key=True, serialize=False)),
                ('leaf_hash', models.BinaryField(max_length=32)),
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='leaf', to='ledger.ledgerentry')),
            ],
            options={
                'verbose_name': '存证叶',
                'verbose_name_plural': '存证叶',
                'db_table': 'ledger_leaf',
            },
        ),
        migrations.CreateModel(
            name='LedgerPending',
            fields=[
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, serialize=False, to='ledger.ledgerentry')),
                ('leaf_hash', models.BinaryField(max_length=32)),
            ],
            options={
                'verbose_name': '待整合存证',
                'verbose_name_plural': '待整合存证',
                'db_table': 'ledger_pending',
            },
        ),
        migrations.RunPython(move_indices, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='ledgerentry',
            name='index',
        ),
    ]
