"""The settings object: typed, described, read from NEWSQA_* variables, documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from qa.chat.settings import ChatSettings
from qa.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_field_has_a_description_and_a_readme_row() -> None:
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.MULTILINE))
    for name, field in ChatSettings.model_fields.items():
        assert field.description, name
        env = field.validation_alias.choices[0] if field.validation_alias else f"NEWSQA_{name.upper()}"  # type: ignore[union-attr]
        assert env in rows, f"{env} is missing from the README's settings table"


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQA_TOP_K", "9")
    monkeypatch.setenv("NEWSQA_LLM", "extractive")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    s = Settings()
    assert s.top_k == 9 and s.llm == "extractive"
    assert s.openai_api_key is not None and "sk-secret" not in repr(s)


def test_bad_values_say_what_was_expected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQA_LLM", "gpt5")
    with pytest.raises(ValidationError, match="local"):
        Settings()


def test_defaults_bind_to_loopback() -> None:
    assert ChatSettings().host == "127.0.0.1"


def test_unknown_local_model_is_a_clear_error(tmp_path: Path) -> None:
    from qa.backends import make_llm
    from qa.llm.base import LLMError

    with pytest.raises(LLMError, match="expected one of"):
        make_llm(Settings(home=tmp_path, llm="local", llm_model="llama-70b"))


def test_openai_mode_without_key_or_url_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa.backends import make_llm
    from qa.llm.base import LLMError

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(LLMError, match="OPENAI_API_KEY"):
        make_llm(Settings(home=tmp_path, llm="openai"))


def test_settings_are_split_by_layer() -> None:
    from index.settings import IndexSettings

    index_fields, qa_fields = set(IndexSettings.model_fields), set(Settings.model_fields)
    assert {"home", "collection", "embedder", "chunk_size"} <= index_fields
    assert (
        not {"llm", "top_k", "host", "port", "openai_api_key"} & index_fields
    )  # nothing of the layers above
    assert index_fields < qa_fields and not {"host", "port"} & qa_fields
    assert qa_fields < set(ChatSettings.model_fields)


def test_registry_lists_choices_and_says_what_to_install(tmp_path: Path) -> None:
    from index.embedding.base import EmbedderError
    from qa.backends import EMBEDDERS, Registry
    from qa.llm.base import LLMError

    settings = Settings(home=tmp_path)
    with pytest.raises(EmbedderError, match="expected one of minilm, minilm-onnx, minilm-onnx-int8, openai"):
        EMBEDDERS.create("bert-large", settings)
    needy: Registry[str] = Registry("NEWSQA_THING", LLMError)
    needy.register("fancy", lambda s: "built", (("no_such_module_here", "no-such-package==1.0"),))
    with pytest.raises(LLMError, match=r"NEWSQA_THING=fancy needs no-such-package==1.0: pip install"):
        needy.create("fancy", settings)
