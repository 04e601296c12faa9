from django.db import migrations, models


class Migration(migrations.Migration):
    """The convention names itself: a short name for titles, to whom it is addressed, and
    whether it is a fictitious one (the demonstration)."""

    dependencies = [
        ('proposals', '0006_convention'),
    ]

    operations = [
        migrations.AddField(
            model_name='convention',
            name='addressed_to',
            field=models.CharField(blank=True, help_text="À qui les propositions sont adressées, tel qu'on l'écrit après « par » : « le Gouvernement et le Parlement ». Vide : les pages n'en disent rien.", max_length=200, verbose_name='destinataires des propositions'),
        ),
        migrations.AddField(
            model_name='convention',
            name='is_demo',
            field=models.BooleanField(default=False, help_text="Convention fictive : chaque page l'annonce par un bandeau.", verbose_name='démonstration'),
        ),
        migrations.AddField(
            model_name='convention',
            name='short_name',
            field=models.CharField(blank=True, help_text="Pour les titres des pages et du flux ; le nom complet s'il est vide.", max_length=100, verbose_name='nom court'),
        ),
        migrations.AddField(
            model_name='historicalconvention',
            name='addressed_to',
            field=models.CharField(blank=True, help_text="À qui les propositions sont adressées, tel qu'on l'écrit après « par » : « le Gouvernement et le Parlement ». Vide : les pages n'en disent rien.", max_length=200, verbose_name='destinataires des propositions'),
        ),
        migrations.AddField(
            model_name='historicalconvention',
            name='is_demo',
            field=models.BooleanField(default=False, help_text="Convention fictive : chaque page l'annonce par un bandeau.", verbose_name='démonstration'),
        ),
        migrations.AddField(
            model_name='historicalconvention',
            name='short_name',
            field=models.CharField(blank=True, help_text="Pour les titres des pages et du flux ; le nom complet s'il est vide.", max_length=100, verbose_name='nom court'),
        ),
        migrations.AlterField(
            model_name='convention',
            name='name',
            field=models.CharField(help_text='Le nom du site, en tête de chaque page et sur les documents.', max_length=200, verbose_name='nom'),
        ),
        migrations.AlterField(
            model_name='historicalconvention',
            name='name',
            field=models.CharField(help_text='Le nom du site, en tête de chaque page et sur les documents.', max_length=200, verbose_name='nom'),
        ),
    ]
