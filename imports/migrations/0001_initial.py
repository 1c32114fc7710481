"""ImportRecord moves here from the enterprises app (#24) without moving a row.

State only: the table ``enterprises_importrecord`` (``Meta.db_table``) and its provinces table stay as they
are; ``enterprises.0012`` removes the model from that app's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('enterprises', '0011_stock_code_index'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='ImportRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('enterprises', '企业名单'), ('patents', '专利数据'), ('designation_list', '工信部公布名单'), ('revert', '撤销导入')], max_length=20, verbose_name='类型')),
                ('outcome', models.CharField(choices=[('applied', '已导入'), ('dry_run', '试运行'), ('previewed', '待确认'), ('cancelled', '已取消'), ('rejected', '已拒绝')], max_length=10, verbose_name='结果')),
                ('file_name', models.CharField(max_length=255, verbose_name='文件名')),
                ('file_size', models.PositiveBigIntegerField(verbose_name='文件大小')),
                ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                ('options', models.JSONField(blank=True, default=dict, verbose_name='选项')),
                ('counts', models.JSONField(blank=True, default=dict, verbose_name='计数')),
                ('error_count', models.PositiveIntegerField(default=0, verbose_name='错误数')),
                ('errors', models.JSONField(blank=True, default=list, verbose_name='错误（前200条）')),
                ('via', models.CharField(default='command', max_length=20, verbose_name='途径')),
                ('started_at', models.DateTimeField(verbose_name='开始时间')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                ('imported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='导入人')),
                ('provinces', models.ManyToManyField(blank=True, related_name='+', to='regions.province', verbose_name='涉及省份')),
            ],
            options={
                'verbose_name': '导入记录',
                'verbose_name_plural': '导入记录',
                'db_table': 'enterprises_importrecord',
                'ordering': ['-started_at'],
            },
        ),
            ],
        ),
    ]
