"""LinkedIn and vCard imports: matching, merging, hostile files, the command line."""

from pathlib import Path

import pytest

from patron.contacts.importers import LinkedInImporter, VCardImporter
from patron.contacts.models import Contact
from patron.system.importing import ImportRefused

DATA = Path(__file__).resolve().parents[1] / "data" / "contacts"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
PREAMBLE = 'Notes:\r\n"When exporting your connection data, emails may be missing."\r\n\r\n'


def linkedin(*rows, preamble=PREAMBLE):
    return (preamble + HEADER + "".join(r + "\r\n" for r in rows)).encode()


def run(importer, data):
    plan = importer.plan(data)
    assert plan.ok, plan.errors
    return plan, importer.apply(plan)


def test_linkedin_sample_creates_people_and_their_companies(db):
    plan, done = run(LinkedInImporter(), (DATA / "Connections.csv").read_bytes())
    assert plan.counts == {"create": 4, "merge": 0, "skip": 0, "organisations": 2}
    assert done["created"] == 4 and done["organisations created"] == 2
    sophie = Contact.objects.get(first_name="Sophie")
    assert sophie.organisation.name == "Studio Nord" and sophie.organisation.is_organisation
    assert str(sophie.connected_on) == "2024-03-15"
    assert sophie.position == "Art Director"
    assert Contact.objects.get(first_name="Thomas").position == "Chef de projet, digital"


def test_importing_the_same_file_twice_creates_nothing_new(db):
    data = (DATA / "Connections.csv").read_bytes()
    run(LinkedInImporter(), data)
    count = Contact.objects.count()
    plan, done = run(LinkedInImporter(), data)
    assert plan.counts["create"] == 0 and plan.counts["skip"] == 4
    assert done["created"] == 0 and Contact.objects.count() == count
    vcf = (DATA / "contacts.vcf").read_bytes()
    run(VCardImporter(), vcf)
    count = Contact.objects.count()
    run(VCardImporter(), vcf)
    assert Contact.objects.count() == count


def test_a_known_email_or_profile_merges_whatever_its_case(db):
    anna = Contact.objects.create(
        first_name="Anna", last_name="P", email="anna@x.example", phone="+32 1"
    )
    bob = Contact.objects.create(last_name="Bob", linkedin_url="https://www.linkedin.com/in/bob")
    data = linkedin(
        "Anna,Peeters,https://www.linkedin.com/in/annap,ANNA@X.EXAMPLE,Acme,CEO,01 Feb 2020",
        "Robert,Bob,http://linkedin.com/in/BOB/,,,,",
    )
    plan, done = run(LinkedInImporter(), data)
    assert plan.counts["merge"] == 2 and plan.counts["create"] == 0
    anna.refresh_from_db()
    assert anna.last_name == "P"  # what the user typed wins
    assert anna.linkedin_url == "https://www.linkedin.com/in/annap"  # empty fields are filled
    assert anna.organisation.name == "Acme"
    assert Contact.objects.filter(is_organisation=False).count() == 2
    bob.refresh_from_db()
    assert bob.first_name == "Robert"


def test_the_same_person_twice_in_a_file_is_one_contact(db):
    data = linkedin(
        "Anna,Peeters,https://www.linkedin.com/in/annap,,,,",
        "Anna,Peeters,https://www.linkedin.com/in/annap/,anna@x.example,,,",
    )
    run(LinkedInImporter(), data)
    assert Contact.objects.get().email == "anna@x.example"


@pytest.mark.parametrize(
    "row, message",
    [
        (",,https://www.linkedin.com/in/x,,,,", "no name"),
        ("A,B,https://www.linkedin.com/in/x,not-an-email,,,", "not an email"),
        ("A,B,https://evil.example/in/x,,,,", "not a LinkedIn"),
        ("A,B,,,,,31 Foo 2024", "not a date"),
        ("A,B,,,", "columns"),
        ("A," + "B" * 300 + ",,,,,", "longer than"),
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(db, row, message):
    data = linkedin("Good,Row,https://www.linkedin.com/in/good,,,,", row)
    plan = LinkedInImporter().plan(data)
    assert not plan.ok
    assert plan.errors[0].row == 6
    assert message in plan.errors[0].message
    with pytest.raises(ImportRefused):
        LinkedInImporter().apply(plan)
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n",
        b"name,email\r\nx,y\r\n",
        b"\x00\x01PK\x03\x04binary",
        b'First Name,Last Name\r\n"unclosed',
    ],
)
def test_a_file_that_is_not_a_linkedin_export_is_refused_or_reported(db, data):
    try:
        plan = LinkedInImporter().plan(data)
    except ImportRefused as e:
        assert str(e)
    else:
        assert not plan.ok and plan.errors[0].row == 2
    assert not Contact.objects.exists()


def test_utf8_with_bom_and_windows_1252_are_read(db):
    run(LinkedInImporter(), b"\xef\xbb\xbf" + linkedin("Zoé,Bébé,,,,,"))
    assert Contact.objects.get().first_name == "Zoé"
    run(LinkedInImporter(), linkedin("François,Léger,,,,,").decode().encode("cp1252"))
    assert Contact.objects.filter(first_name="François", last_name="Léger").exists()


def test_the_header_is_found_without_the_preamble_and_without_url(db):
    run(
        LinkedInImporter(),
        b"First Name,Last Name,Email Address,Company,Position,Connected On\nOld,Export,,,,\n",
    )
    assert Contact.objects.get().last_name == "Export"


def test_formula_cells_are_kept_as_text(db):
    run(LinkedInImporter(), linkedin('"=HYPERLINK(""http://evil.example"",""x"")",Doe,,,,,'))
    assert Contact.objects.get().first_name.startswith("=HYPERLINK")


def test_vcard_sample_maps_its_fields(db):
    plan, done = run(VCardImporter(), (DATA / "contacts.vcf").read_bytes())
    assert plan.counts["create"] == 3
    eva = Contact.objects.get(email="eva@brasserie-canal.example")
    assert (eva.first_name, eva.last_name, eva.position) == ("Eva", "Janssens", "Gérante")
    assert eva.organisation.name == "Brasserie du Canal"
    assert (eva.city, eva.postcode, eva.country) == ("Bruxelles", "1000", "BE")
    assert eva.linkedin_url == "https://www.linkedin.com/in/evajanssens"
    assert "spring" in eva.notes  # the folded line is unfolded
    assert {t.name for t in eva.tags.all()} == {"horeca", "Brussels"}
    sud = Contact.objects.get(name="Atelier Sud")
    assert (
        sud.is_organisation and sud.country == "FR" and sud.website == "https://atelier-sud.example"
    )
    assert Contact.objects.filter(
        first_name="Jürgen", last_name="Müller"
    ).exists()  # 2.1 quoted-printable


def test_a_broken_vcard_is_reported_by_its_first_line(db):
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nN:One;Good;;;\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@y.example\r\n"
    plan = VCardImporter().plan(data)
    assert not plan.ok
    assert plan.errors[0].row == 6
    assert not Contact.objects.exists()
    nameless = b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@y.example\r\nEND:VCARD\r\n"
    assert "no name" in VCardImporter().plan(nameless).errors[0].message
    with pytest.raises(ImportRefused):
        VCardImporter().plan(b"hello, this is not a card\n")


def test_exported_vcards_import_back_as_the_same_contacts(owner_client):
    run(VCardImporter(), (DATA / "contacts.vcf").read_bytes())
    run(LinkedInImporter(), (DATA / "Connections.csv").read_bytes())
    count = Contact.objects.count()
    exported = b"".join(owner_client.get("/app/contacts/export.vcf").streaming_content)
    assert exported.count(b"BEGIN:VCARD") == count
    plan, done = run(VCardImporter(), exported)
    assert done["created"] == 0 and Contact.objects.count() == count


def test_patron_import_linkedin_and_vcard_on_the_command_line(patron, tmp_path):
    csv_file = str(DATA / "Connections.csv")
    dry = patron("import", "linkedin", csv_file, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "4 contacts to create" in dry.stdout
    done = patron("import", "linkedin", csv_file)
    assert done.returncode == 0 and "Imported: 4 new contacts, 0 contacts merged" in done.stdout
    again = patron("import", "linkedin", csv_file)
    assert "0 new contacts" in again.stdout and "4 contacts already there" in again.stdout
    cards = patron("import", "vcard", str(DATA / "contacts.vcf"))
    assert cards.returncode == 0 and "3 new contacts" in cards.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A,B,,nope,,,\r\n")
    refused = patron("import", "linkedin", str(bad))
    assert refused.returncode != 0
    assert " 2" in refused.stderr and "Nothing was imported" in refused.stderr
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # a sparse 200 MB file: refused before it is read
    too_big = patron("import", "vcard", str(huge))
    assert too_big.returncode != 0 and "200.0" in too_big.stderr
