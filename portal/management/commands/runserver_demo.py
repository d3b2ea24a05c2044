"""`make run`'s server: the development server, whose banner ends with the addresses and
the demo accounts, so that the last lines a newcomer reads say where to go and who to be
(and how to start the sample application beside it)."""

from django.core.management import get_commands, load_command_class

from portal.management.commands.load_demo import demo_accounts, demo_notes, summary

# Whichever runserver the installed apps provide (whitenoise's, serving static files as in
# production), extended rather than replaced.
Runserver = type(load_command_class(get_commands()["runserver"], "runserver"))


class Command(Runserver):
    help = "Run the development server and print the addresses and the demo accounts."

    def on_bind(self, server_port):
        super().on_bind(server_port)
        for line in summary(demo_accounts(), demo_notes()):
            self.stdout.write(line)
