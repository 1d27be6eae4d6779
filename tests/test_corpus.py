"""Reading articles from files, folders and stdin: every format, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
from pathlib import Path

from llmextract.corpus import Corpus, CorpusOptions, Document, InputProblem

ARTICLE = "The US military struck Iran-backed militias in eastern Syria on Thursday."


def read(paths, **options) -> tuple[list[Document], list[InputProblem]]:
    stdin = options.pop("stdin", None)
    items = list(Corpus([str(p) for p in paths], CorpusOptions(**options), stdin=stdin))
    docs = [i for i in items if isinstance(i, Document)]
    problems = [i for i in items if isinstance(i, InputProblem)]
    return docs, problems


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- folders, order, ids ---------------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order_with_ids_relative_to_it(tmp_path):
    for name in ("b.txt", "a.txt", "sub/c.md", "sub/deeper/d.txt"):
        write(tmp_path / "in" / name, f"{ARTICLE} ({name})")

    docs, problems = read([tmp_path / "in"])

    assert problems == []
    assert [d.doc_id for d in docs] == ["a", "b", "sub/c", "sub/deeper/d"]
    assert docs[2].text.endswith("(sub/c.md)")


def test_ids_are_stable_across_reads_and_independent_of_the_working_directory(
    tmp_path, monkeypatch
):
    write(tmp_path / "in" / "x" / "one.txt", ARTICLE)
    first, _ = read([tmp_path / "in"])
    monkeypatch.chdir(tmp_path)
    second, _ = read(["in"])

    assert [d.doc_id for d in first] == [d.doc_id for d in second] == ["x/one"]


def test_a_file_given_directly_is_named_by_its_stem(tmp_path):
    path = write(tmp_path / "deep" / "albu-kamal.txt", ARTICLE)

    docs, _ = read([path])

    assert [d.doc_id for d in docs] == ["albu-kamal"]


def test_hidden_files_unsupported_types_and_sidecars_are_not_documents(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / ".hidden.txt", ARTICLE)
    write(tmp_path / "photo.png", b"\x89PNG\r\n")
    write(tmp_path / "a.meta.json", '{"published": "2021-02-26"}')

    docs, problems = read([tmp_path])

    assert [d.doc_id for d in docs] == ["a"]
    assert problems == []


def test_include_and_exclude_globs_select_files(tmp_path):
    for name in ("keep/a.txt", "keep/b.md", "drafts/c.txt", "notes.text"):
        write(tmp_path / name, ARTICLE)

    only_txt, _ = read([tmp_path], include=("*.txt",))
    no_drafts, _ = read([tmp_path], exclude=("drafts",))
    extra_type, _ = read([tmp_path], include=("*.text", "*.md"), exclude=("keep/*.md",))

    assert [d.doc_id for d in only_txt] == ["drafts/c", "keep/a"]
    assert [d.doc_id for d in no_drafts] == ["keep/a", "keep/b", "notes"]
    assert [d.doc_id for d in extra_type] == ["notes"]


def test_the_same_id_twice_is_a_problem_for_the_second(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "a.md", ARTICLE)

    docs, problems = read([tmp_path])

    assert [d.source for d in docs] == [str(tmp_path / "a.md")]
    assert [(p.source, p.stage, p.doc_id) for p in problems] == [
        (str(tmp_path / "a.txt"), "metadata", "a")
    ]
    assert "already used" in problems[0].message


def test_expected_documents_counts_files_but_not_record_files(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "b.txt", ARTICLE)
    assert Corpus([tmp_path]).expected_documents() == 2

    write(tmp_path / "c.jsonl", json.dumps({"text": ARTICLE}))
    assert Corpus([tmp_path]).expected_documents() is None


# -- formats and metadata ------------------------------------------------------------------------


def test_markdown_front_matter_gives_date_and_id_and_is_not_in_the_text(tmp_path):
    write(
        tmp_path / "a.md",
        f"---\ntitle: Strikes\npublished: 2021-02-26\nid: ap-123\n---\n\n{ARTICLE}\n",
    )

    [doc], _ = read([tmp_path])

    assert (doc.doc_id, doc.published) == ("ap-123", dt.date(2021, 2, 26))
    assert doc.text == ARTICLE + "\n"


def test_sidecar_gives_the_publication_date_of_a_text_file(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "a.meta.json", '{"published": "2021-02-26T09:30:00Z"}')

    [doc], _ = read([tmp_path])

    assert doc.published == dt.date(2021, 2, 26)


def test_publication_date_precedence_record_then_front_matter_then_fallback(tmp_path):
    fallback = dt.date(2020, 1, 1)
    write(tmp_path / "front.md", f"---\npublished: 2021-03-01\n---\n{ARTICLE}")
    write(tmp_path / "plain.txt", ARTICLE)
    records = [
        {"id": "r1", "text": ARTICLE, "published": "2021-04-01"},
        {"id": "r2", "text": ARTICLE},
    ]
    write(tmp_path / "recs.jsonl", "\n".join(json.dumps(r) for r in records))

    docs, _ = read([tmp_path], published=fallback)

    dates = {d.doc_id: d.published for d in docs}
    assert dates == {
        "front": dt.date(2021, 3, 1),
        "plain": fallback,
        "r1": dt.date(2021, 4, 1),
        "r2": fallback,
    }


def test_no_date_anywhere_leaves_published_unset(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)

    [doc], _ = read([tmp_path])

    assert doc.published is None


def test_html_gives_the_article_text_without_page_chrome_and_its_stated_date(tmp_path):
    body = " ".join([ARTICLE] * 4)
    html = (
        '<html><head><meta property="article:published_time" content="2021-02-26T10:00:00Z">'
        "<title>Strikes</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>US strikes Syria</h1><p>{body}</p><p>Officials said more.</p></article>"
        "<footer>Copyright 2021 Example News</footer></body></html>"
    )
    write(tmp_path / "page.html", html)

    [doc], problems = read([tmp_path])

    assert problems == []
    assert ARTICLE in doc.text and "Officials said more." in doc.text
    assert "Home | World" not in doc.text and "Copyright" not in doc.text
    assert "<p>" not in doc.text
    assert doc.published == dt.date(2021, 2, 26)


def test_html_without_article_text_is_a_problem(tmp_path):
    write(tmp_path / "empty.html", "<html><head><title>x</title></head><body></body></html>")

    docs, [problem] = read([tmp_path])

    assert docs == []
    assert (problem.stage, problem.doc_id) == ("parse", "empty")
    assert "no article text" in problem.message


def test_jsonl_records_with_configurable_field_names(tmp_path):
    lines = [
        {"uid": "n-1", "body": ARTICLE, "date": "2021-02-26"},
        {"uid": 7, "body": ARTICLE + " Second."},
    ]
    write(tmp_path / "news.jsonl", "\n".join(json.dumps(r) for r in lines) + "\n")

    docs, problems = read([tmp_path], text_field="body", id_field="uid", published_field="date")

    assert problems == []
    assert [(d.doc_id, d.published, d.line) for d in docs] == [
        ("n-1", dt.date(2021, 2, 26), 1),
        ("7", None, 2),
    ]


def test_records_without_ids_are_named_by_file_and_position(tmp_path):
    write(
        tmp_path / "feed.jsonl", "\n".join(json.dumps({"text": f"{ARTICLE} {i}"}) for i in range(2))
    )
    write(tmp_path / "list.json", json.dumps([{"text": ARTICLE}, {"text": ARTICLE + "!"}]))
    write(tmp_path / "one.json", json.dumps({"text": ARTICLE}))

    docs, problems = read([tmp_path])

    assert problems == []
    assert [d.doc_id for d in docs] == ["feed#1", "feed#2", "list#1", "list#2", "one"]


def test_a_json_file_with_one_record_per_line_is_read_as_lines(tmp_path):
    write(
        tmp_path / "x.json",
        json.dumps({"id": "a", "text": ARTICLE}) + "\n" + json.dumps({"id": "b", "text": ARTICLE}),
    )

    docs, problems = read([tmp_path])

    assert problems == []
    assert [d.doc_id for d in docs] == ["a", "b"]


def test_stdin_text_is_one_document(tmp_path):
    docs, problems = read(["-"], stdin=io.BytesIO(ARTICLE.encode()), published=dt.date(2021, 2, 26))

    assert problems == []
    assert [(d.doc_id, d.text, d.published) for d in docs] == [
        ("stdin", ARTICLE, dt.date(2021, 2, 26))
    ]


def test_stdin_jsonl_gives_records(tmp_path):
    data = "\n".join(json.dumps({"id": i, "text": ARTICLE}) for i in ("a", "b")).encode()

    docs, problems = read(["-"], stdin=io.BytesIO(data))

    assert problems == []
    assert [d.doc_id for d in docs] == ["a", "b"]


# -- bad input -------------------------------------------------------------------------------------


def test_empty_and_whitespace_files_are_problems_and_reading_goes_on(tmp_path):
    write(tmp_path / "a-empty.txt", b"")
    write(tmp_path / "b-blank.txt", "  \n\n\t ")
    write(tmp_path / "c.txt", ARTICLE)

    docs, problems = read([tmp_path])

    assert [d.doc_id for d in docs] == ["c"]
    assert [(p.doc_id, p.stage, p.message) for p in problems] == [
        ("a-empty", "decode", "the file is empty"),
        ("b-blank", "decode", "the file is empty"),
    ]


def test_binary_file_is_a_problem(tmp_path):
    write(tmp_path / "image.txt", bytes(range(256)) * 8)
    write(tmp_path / "zeros.txt", b"\x00" * 500)

    docs, problems = read([tmp_path])

    assert docs == []
    assert [(p.doc_id, p.stage) for p in problems] == [("image", "decode"), ("zeros", "decode")]
    assert all(p.message.startswith("binary file") for p in problems)


def test_text_with_a_few_null_bytes_is_still_text_with_exact_content(tmp_path):
    text = ARTICLE + "\x00" + ARTICLE
    write(tmp_path / "nul.txt", text.encode())

    [doc], problems = read([tmp_path])

    assert problems == [] and doc.text == text


GERMAN = (
    "Die Luftangriffe töteten mindestens 22 Kämpfer in Syrien, sagte die Beobachtungsstelle "
    "für Menschenrechte am Freitag. Nach Angaben der Behörden wurden außerdem drei Gebäude "
    "zerstört."
)
FRENCH = (
    "Des frappes aériennes ont tué au moins 22 combattants près de la ville frontalière, a "
    "déclaré l'Observatoire syrien des droits de l'homme. « Les installations détruites "
    "étaient utilisées par des milices », a précisé le porte-parole."
)


def test_non_utf8_text_is_decoded_and_the_guess_is_stated(tmp_path):
    write(tmp_path / "a-german-cp1252.txt", GERMAN.encode("cp1252"))
    write(tmp_path / "b-french-cp1252.txt", FRENCH.encode("cp1252"))
    write(tmp_path / "c-french-utf16.txt", FRENCH.encode("utf-16"))

    docs, problems = read([tmp_path])

    assert problems == []
    assert [d.text for d in docs] == [GERMAN, FRENCH, FRENCH]
    for doc in docs:
        [note] = doc.notes
        assert note.code == "encoding_guessed" and "guess" in note.message


def test_utf8_text_carries_no_encoding_note(tmp_path):
    write(tmp_path / "a.txt", "Frappes près de Deir ez-Zor : « au moins 22 morts ».")

    [doc], _ = read([tmp_path])

    assert doc.notes == ()


def test_unreadable_file_is_a_permission_problem(tmp_path, monkeypatch):
    locked = write(tmp_path / "locked.txt", ARTICLE)
    write(tmp_path / "open.txt", ARTICLE)
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: make the OS answer as for others
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self == locked:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)

    docs, problems = read([tmp_path])

    assert [d.doc_id for d in docs] == ["open"]
    assert [(p.doc_id, p.stage) for p in problems] == [("locked", "read")]
    assert "permission denied" in problems[0].message


def test_symlink_loops_are_problems_and_the_walk_ends(tmp_path):
    root = tmp_path / "in"
    write(root / "sub" / "a.txt", ARTICLE)
    os.symlink(root, root / "sub" / "back-to-root")
    os.symlink("self.txt", root / "self.txt")

    docs, problems = read([root])

    assert [d.doc_id for d in docs] == ["sub/a"]
    assert sorted(Path(p.source).name for p in problems) == ["back-to-root", "self.txt"]
    assert all("symlink loop" in p.message and p.stage == "read" for p in problems)


def test_broken_symlink_is_a_problem(tmp_path):
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")

    docs, [problem] = read([tmp_path])

    assert docs == [] and "not found" in problem.message


def test_malformed_json_lines_are_named_by_line_number_and_the_rest_is_read(tmp_path):
    lines = [
        json.dumps({"id": "ok-1", "text": ARTICLE}),
        '{"id": "torn", "text": "The US mil',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "no-text", "body": ARTICLE}),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "ok-2", "text": ARTICLE}),
    ]
    write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")

    docs, problems = read([tmp_path])

    assert [d.doc_id for d in docs] == ["ok-1", "ok-2"]
    assert [(p.line, p.stage) for p in problems] == [
        (2, "parse"),
        (4, "parse"),
        (5, "parse"),
        (6, "decode"),
    ]
    assert "malformed JSON line" in problems[0].message
    assert "no text in field 'text'" in problems[2].message and problems[2].doc_id == "no-text"


def test_invalid_json_file_and_deeply_nested_records_are_problems(tmp_path):
    write(tmp_path / "broken.json", '{"text": "x", ')
    write(tmp_path / "nested.jsonl", "[" * 100_000 + "]" * 100_000 + "\n")

    docs, problems = read([tmp_path])

    assert docs == []
    assert [(p.doc_id, p.stage) for p in problems] == [("broken", "parse"), ("nested#1", "parse")]
    assert "nested too deeply" in problems[1].message


def test_a_bad_publication_date_is_a_metadata_problem(tmp_path):
    write(
        tmp_path / "recs.jsonl",
        json.dumps({"id": "a", "text": ARTICLE, "published": "last Tuesday"}),
    )

    docs, [problem] = read([tmp_path])

    assert docs == []
    assert (problem.doc_id, problem.stage, problem.line) == ("a", "metadata", 1)
    assert "not an ISO date" in problem.message


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    write(tmp_path / "huge.txt", ARTICLE * 100)

    docs, [problem] = read([tmp_path], max_file_bytes=1000)

    assert docs == [] and problem.stage == "read" and "limit" in problem.message


def test_a_missing_path_is_a_problem(tmp_path):
    docs, [problem] = read([tmp_path / "nope"])

    assert docs == [] and "not found" in problem.message
