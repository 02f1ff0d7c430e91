from __future__ import annotations

import json
from pathlib import Path

import pytest

from dateline.index import DatelineError, Store
from dateline.ui.cli import main
from dateline.ui.settings import Settings
from tests.conftest import SEEDS


@pytest.fixture
def settings(tmp_path: Path, model_cache: Path) -> Settings:
    return Settings(index_dir=tmp_path / "idx", cache_dir=model_cache, reader="rules")


def run(capsys: pytest.CaptureFixture[str], settings: Settings, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_index_then_search_the_seed_with_the_real_model(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    code, out, err = run(capsys, settings, "index", str(SEEDS), "-q")
    assert code == 0, err
    assert out.startswith("1 added, 0 unchanged, 0 replaced, 0 skipped")
    code, out, err = run(capsys, settings, "search", "How many troops were deployed?", "--json")
    assert code == 0, err
    results = json.loads(out)
    assert "14,000" in results[0]["text"]
    store = Store.open(settings.index_dir)
    for result in results:
        article = store.article(result["article_id"])
        assert article.text[result["start"] : result["end"]] == result["text"]
        assert set(result) == {
            "chunk_id",
            "article_id",
            "title",
            "published",
            "source",
            "url",
            "start",
            "end",
            "text",
            "score",
        }
    assert results[0]["published"] == "2025-06-19" and results[0]["source"] == "Yonhap"

    code, out, _ = run(capsys, settings, "index", str(SEEDS), "-q")
    assert (code, out.split(" (")[0]) == (0, "0 added, 1 unchanged, 0 replaced, 0 skipped")

    code, out, _ = run(capsys, settings, "search", "sappers", "-k", "2")
    assert code == 0 and out.startswith("1. North Korea on Thursday")

    code, out, _ = run(capsys, settings, "search", "troops", "--since", "2025-06-20", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run(capsys, settings, "search", "troops", "--as-of", "2025-01-01", "--json")
    assert (code, json.loads(out)) == (0, [])  # published after the reader's day
    code, out, _ = run(capsys, settings, "search", "troops", "--as-of", "2025-06-19", "--json")
    assert code == 0 and json.loads(out)
    code, out, _ = run(capsys, settings, "search", "sappers", "--mode", "lexical", "--json")
    assert code == 0 and "1,000 sappers" in json.loads(out)[0]["text"]

    code, out, _ = run(capsys, settings, "stats", "--json")
    stats = json.loads(out)
    assert stats["counts"]["articles"] == 1 and stats["model"].endswith("all-MiniLM-L6-v2")
    assert stats["dates"] == {"first": "2025-06-19", "last": "2025-06-19"}

    article_id = results[0]["article_id"]
    code, out, _ = run(capsys, settings, "remove", article_id)
    assert code == 0 and out.endswith("; 0 articles left\n")
    code, _, err = run(capsys, settings, "remove", article_id)
    assert code == 1 and err.startswith("Error: no article with id")


def test_partial_run_names_each_bad_file_and_exits_1(
    capsys: pytest.CaptureFixture[str], settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("date 2025-03-01 Rain fell on Seoul. Roads closed.")
    (folder / "empty.txt").write_text("")
    (folder / "blob.bin").write_bytes(bytes(range(256)))
    (folder / "latin.txt").write_bytes("Caf\xe9".encode("latin-1"))
    (folder / "a.jsonl").write_text('{"id": "ok", "title": "T", "text": "Fine text."}\n{oops\n')
    code, out, err = run(capsys, settings, "index", str(folder), "-q")
    assert code == 1
    assert out.startswith("2 added, 0 unchanged, 0 replaced, 4 skipped")
    lines = [line for line in err.strip().splitlines() if not line.startswith("Preparing")]
    assert len(lines) == 5 and lines[-1].startswith("Error: 4 inputs could not be read")
    for name in (
        "empty.txt: empty file",
        "blob.bin: binary file",
        "latin.txt: not UTF-8",
        "a.jsonl:2: broken JSON",
    ):
        assert any(name in line for line in lines), name
    assert "ok" in Store.open(settings.index_dir).article_ids()


def test_article_size_limit_is_configurable(
    capsys: pytest.CaptureFixture[str], settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "big.txt"
    big.write_text("Rain fell on Seoul. " * 200)  # 4,000 characters
    records = [{"id": "small", "text": "Snow fell."}, {"id": "huge", "text": "Hail. " * 1000}]
    (folder / "b.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    code, out, err = run(
        capsys, settings, "index", str(tmp_path), "-q", "--max-article-mb", "0.003"
    )
    assert code == 1 and out.startswith("1 added, 0 unchanged, 0 replaced, 2 skipped")
    assert "big.txt (article " in err and "over the 0.003 million limit" in err
    assert "b.jsonl (article huge)" in err and "--max-article-mb" in err
    assert Store.open(settings.index_dir).article_ids() == ["small"]
    code, out, _ = run(capsys, settings, "index", str(folder), "-q")  # default: 20 million
    assert code == 0 and out.startswith("2 added, 1 unchanged")


def test_errors_are_one_line_with_the_next_step(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    code, out, err = run(capsys, settings, "search", "anything")
    assert (code, out) == (1, "")
    assert (
        err == f"Error: No index at {settings.index_dir}; run `dateline index PATH --index "
        f"{settings.index_dir}`\n"
    )
    code, _, err = run(capsys, settings, "stats")
    assert code == 1 and "dateline index" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["search"], settings)
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["search", "x", "--since", "June"], settings)
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"], settings)
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_settings_from_env() -> None:
    settings = Settings.from_env(
        {"DATELINE_INDEX": "/x", "DATELINE_BACKEND": "torch", "XDG_CACHE_HOME": "/c"}
    )
    assert settings == Settings(
        index_dir=Path("/x"), backend="torch", cache_dir=Path("/c/dateline")
    )
    assert Settings.from_env({}).index_dir == Path(".dateline")
    assert Settings.from_env({}).reader == "auto"  # the best installed reader
    assert Settings.from_env({"DATELINE_READER": "rules"}).reader == "rules"


def test_ask_and_eval_on_the_seed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seed_index: Path, model_cache: Path
) -> None:
    settings = Settings(index_dir=seed_index, cache_dir=model_cache, reader="rules")
    code, out, err = run(
        capsys, settings, "ask", "How many troops were deployed?", "--as-of", "2025-06-20"
    )
    assert code == 0, err
    assert out.startswith("Around 14,000 troops [1]") and "\nSources:\n[1] " in out
    assert out.rstrip().endswith("Answered by the rules reader.")  # who read it, as in the chat
    code, out, err = run(
        capsys, settings, "ask", "How many troops were deployed?", "--as-of", "2025-01-01"
    )
    assert code == 0 and out.startswith("The indexed articles don't answer this.")
    code, out, err = run(
        capsys, settings, "ask", "When did Kim meet Shoigu?", "--as-of", "2025-06-20"
    )
    assert out.startswith("June 17, 2025") and "On Tuesday" in out

    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps(
            {
                "id": "q1",
                "question": "How many troops were deployed?",
                "answers": ["around 14,000 troops"],
                "answerable": True,
            }
        )
        + "\n"
        + json.dumps(
            {"id": "q2", "question": "How old is Kim Jong-un?", "answers": [], "answerable": False}
        )
        + "\n"
    )
    code, out, err = run(capsys, settings, "ask", "--questions", str(questions), "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2"]
    assert [r["abstained"] for r in rows] == [False, True]
    store = Store.open(seed_index)
    for citation in rows[0]["citations"]:
        text = store.article(citation["article_id"]).text
        assert text[citation["start"] : citation["end"]] == citation["quote"]

    # q1 falls in the test split, q2 in fit: the default scores test only, and says so
    code, out, err = run(capsys, settings, "eval", str(questions))
    assert code == 0, err
    assert out.startswith("Split: test (1 of 2 questions;")
    code, out, err = run(capsys, settings, "eval", str(questions), "--json", "--split", "fit")
    assert code == 0, err
    metrics = json.loads(out)
    assert (metrics["split"], metrics["questions"], metrics["answerable"]) == ("fit", 1, 0)
    code, out, err = run(capsys, settings, "eval", str(questions), "--json", "--split", "all")
    assert code == 0, err
    metrics = json.loads(out)
    assert metrics["split"] == "all" and metrics["of_questions"] == 2
    assert metrics["questions"] == 2 and metrics["em"] == 1.0 and metrics["f1"] == 1.0
    assert metrics["abstain_precision"] == 1.0 and metrics["abstain_recall"] == 1.0
    assert metrics["citations_exact"] == 1.0

    code, _, err = run(capsys, settings, "ask")
    assert code == 1 and "give one question" in err
    (tmp_path / "bad.jsonl").write_text("{nope\n")
    code, _, err = run(capsys, settings, "ask", "--questions", str(tmp_path / "bad.jsonl"))
    assert code == 1 and "bad.jsonl:1: broken JSON" in err


def test_llm_spec_errors_say_what_to_install(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    from dateline.ui.llm import chat_model_from_spec

    with pytest.raises(DatelineError, match="unknown provider 'gpt'"):
        chat_model_from_spec("gpt:4")
    with pytest.raises(DatelineError, match="expected ollama:MODEL"):
        chat_model_from_spec("ollama:")
    try:
        import langchain_ollama  # noqa: F401
    except ImportError:
        with pytest.raises(DatelineError, match=r"pip install 'dateline\[llm\]'"):
            chat_model_from_spec("ollama:llama3")


def test_chat_checks_its_options_before_starting(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    code, _, err = run(capsys, settings, "chat", "--auth", "nopassword", "--no-browser")
    assert code == 1 and "USER:PASS" in err


def test_cli_manners(
    capsys: pytest.CaptureFixture[str], settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as version:
        main(["--version"], settings)
    assert version.value.code == 0 and capsys.readouterr().out.strip() == "dateline 0.2.0"

    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, settings, "index", str(empty), "-q")
    assert code == 1 and err.strip().endswith("or folders holding them")
    assert f"Error: no articles found in {empty};" in err

    one = tmp_path / "one.jsonl"
    one.write_text('{"id": "a", "text": "Rain fell on Seoul."}\n')
    code, out, _ = run(capsys, settings, "index", str(one), "-q")
    assert code == 0 and out.rstrip().endswith(": 1 article, 1 chunk")
    two = tmp_path / "two.jsonl"
    two.write_text('{"id": "b", "text": "Snow fell on Oslo."}\n')
    run(capsys, settings, "index", str(two), "-q")
    code, out, err = run(capsys, settings, "remove", "a", "nope", "a")
    assert code == 1 and out.strip() == "Removed 1 article (a); 1 article left"
    assert err.startswith("Error: no article with id 'nope' in ")
    assert Store.open(settings.index_dir).article_ids() == ["b"]

    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, settings, "chat", "--port", str(port), "--no-browser")
    assert code == 1 and err.count("\n") == 1  # one line, before any model loads
    assert f"port {port} on 127.0.0.1 is taken" in err and "--port" in err


def test_bundled_seeds_are_found_from_the_installed_package() -> None:
    from dateline import seeds as bundled

    seeds = bundled.paths()
    assert seeds and all(p.suffix == ".txt" for p in seeds)
    assert "14,000 troops" in seeds[0].read_text()
