"""The unique key (office, application number) reordered: the application number first.

The admin's search by an application number alone could not use the index led by the office, so it read
the whole patent table; and a bulk import builds the index again in half the time, since sorting on the
office (CN on nearly every row) ordered nothing. Same columns, same uniqueness, same name.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patents', '0011_code_columns_collate_c'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='patent',
            name='patent_application_unique_per_office',
        ),
        migrations.AddConstraint(
            model_name='patent',
            constraint=models.UniqueConstraint(fields=('application_number', 'jurisdiction'), name='patent_application_unique_per_office'),
        ),
    ]
