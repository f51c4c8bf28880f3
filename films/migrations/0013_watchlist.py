"""The watchlist (want to see / not interested) and the index of a visitor's votes that the
For you page reads."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('films', '0012_film_renown'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WatchlistEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('visitor', models.CharField(max_length=40)),
                ('kind', models.CharField(choices=[('want', 'Want to see'), ('not_interested', 'Not interested')], max_length=16)),
                ('added_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name_plural': 'watchlist entries',
            },
        ),
        migrations.AddIndex(
            model_name='vote',
            index=models.Index(fields=['visitor', '-updated_at'], name='vote_visitor_recent_idx'),
        ),
        migrations.AddField(
            model_name='watchlistentry',
            name='film',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='watchlist_entries', to='films.film'),
        ),
        migrations.AddField(
            model_name='watchlistentry',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='watchlist_entries', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='watchlistentry',
            constraint=models.UniqueConstraint(fields=('visitor', 'film'), name='watchlist_one_per_visitor_and_film'),
        ),
        migrations.AddConstraint(
            model_name='watchlistentry',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['want', 'not_interested'])), name='watchlist_kind_known'),
        ),
    ]
