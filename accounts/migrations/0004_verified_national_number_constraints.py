from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_verification_of_existing_numbers")]

    operations = [
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(condition=models.Q(('national_number_verified', True)), fields=('national_number',), name='accounts_user_one_account_per_verified_national_number'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('national_number_verified', False), models.Q(('national_number__isnull', False), models.Q(('national_number_source', ''), _negated=True), ('national_number_verified_at__isnull', False)), _connector='OR'), name='accounts_user_verified_national_number_has_source'),
        ),
    ]
