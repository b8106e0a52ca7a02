"""Matching and creating clients, projects, tasks and tags by name, ignoring case."""

from django.db import connection

from patron.contacts.models import Contact
from patron.work.models import Project, Tag, Task


def project_keys(rows):
    """{(client, project) as the rows name them: the same casefolded, the key projects
    are matched by}, in the order of the rows: casefolded once a pair, not once a row."""
    pairs = dict.fromkeys((r.client, r.project) for r in rows)
    return {(client, name): (client.casefold(), name.casefold()) for client, name in pairs}


class Clients(dict):
    created = 0


def organisations():
    found = {}
    for pk, name in Contact.objects.filter(is_organisation=True).values_list("pk", "name"):
        found.setdefault(name.casefold(), pk)
    return found


def names_to_create(rows):
    """(clients, projects) the rows name that do not exist yet, for the plan's counts."""
    orgs = organisations()
    keys = set(project_keys(rows).values())
    clients = {client for client, _name in keys if client} - set(orgs)
    existing = existing_projects()
    projects = set()
    for key in keys:
        client, name = key
        if find_existing_project(existing, orgs.get(client) if client else None, name) is None:
            projects.add(key)
    return clients, projects


def existing_projects():
    found = {}
    for pk, name, client_id in Project.objects.values_list("pk", "name", "client_id"):
        found.setdefault((client_id, name.casefold()), pk)
        found.setdefault((None, name.casefold()), pk)  # a row without client takes any
    return found


def find_existing_project(existing, client_id, name):
    return existing.get((client_id, name)) if client_id else existing.get((None, name))


def match_clients(names):
    orgs = organisations()
    clients = Clients()
    missing = {}
    for name in names:
        if name.casefold() in orgs:
            clients[name.casefold()] = orgs[name.casefold()]
        else:
            missing.setdefault(name.casefold(), name)
    Contact.objects.filter(pk__in=list(clients.values()), is_client=False).update(is_client=True)
    for folded, name in missing.items():
        contact = Contact.objects.create(is_organisation=True, is_client=True, name=name)
        clients[folded] = contact.pk
    clients.created = len(missing)
    return clients


def match_projects(keys, clients):
    """({key: project id}, how many were created) for project_keys(rows)."""
    existing = existing_projects()
    projects, new = {}, {}
    for (_client, name), key in keys.items():
        if key in projects or key in new:
            continue
        client_id = clients[key[0]] if key[0] else None
        pk = find_existing_project(existing, client_id, key[1])
        if pk is None:
            new[key] = Project(name=name, client_id=client_id)
        else:
            projects[key] = pk
    if connection.features.can_return_rows_from_bulk_insert:
        Project.objects.bulk_create(new.values())  # sets their ids
    else:  # SQLite before 3.35
        for project in new.values():
            project.save()
    projects.update((key, project.pk) for key, project in new.items())
    return projects, len(new)


def match_tasks(rows, project_ids):
    """{(project id, casefolded title): task id}, the tasks the rows name made if missing.

    project_ids: {(client, project) as the rows name them: project id}.
    """
    wanted = {(project_ids[r.client, r.project], r.task.casefold()): r.task for r in rows if r.task}
    if not wanted:
        return {}
    tasks = {}
    for pk, project_id, title in Task.objects.filter(
        project_id__in={p for p, _t in wanted}
    ).values_list("pk", "project_id", "title"):
        tasks.setdefault((project_id, title.casefold()), pk)
    for (project_id, folded), title in wanted.items():
        if (project_id, folded) not in tasks:
            task = Task.objects.create(project_id=project_id, title=title)
            tasks[(project_id, folded)] = task.pk
    return tasks


def match_tags(names):
    tags = {t.name.casefold(): t.pk for t in Tag.objects.all()}
    missing = {}
    for name in names:
        if name.casefold() not in tags:
            missing.setdefault(name.casefold(), name)
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in missing.values()])
        tags = {t.name.casefold(): t.pk for t in Tag.objects.all()}
    return tags
