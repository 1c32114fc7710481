# The patent history (0005) was written beside the patents' updated_at (0003); history rows need the column too.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patents', '0005_historicalpatent'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpatent',
            name='updated_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, verbose_name='更新时间'),
            preserve_default=False,
        ),
    ]
