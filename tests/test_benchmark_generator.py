"""The benchmark generator (benchmarks/generate.py): seeded bytes, real entities only, the published consortium
figures, amounts and periods within their call's limits, Dutch text from data/, and data that conforms to the
shapes together with the real graph."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402
from generate import BASE, Generator, consortium_weights, triples  # noqa: E402
from generator_reference import MERGERS, real_graphs, reference, settings  # noqa: E402

from gzg_graph.namespaces import LBLOD_SUBSIDIE, M8G, PROV, SCHEMA, SH, SUBSIDIE  # noqa: E402
from gzg_graph.uris import UriPolicy  # noqa: E402
from gzg_graph.validation import load_shapes, validate  # noqa: E402

SHARED_FACTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "gzg-facts.md"
GZG = UriPolicy(BASE).ns
GENERATED = re.compile(rf"{re.escape(BASE)}/id/(project|aanvraag|bedrag|deelname)/benchmark-\d+(-[-a-z0-9]+)?")


@pytest.fixture(scope="module")
def ref():
    return reference(BASE)


@pytest.fixture(scope="module")
def real() -> Graph:
    union = Graph()
    for name, graph in real_graphs(BASE).items():
        if name != "ontology":
            union += graph
    return union


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(settings(BASE).shapes, UriPolicy(BASE))


@pytest.fixture(scope="module")
def sample(ref) -> Graph:
    """About 20,000 generated triples (some 270 projects)."""
    return Graph().parse(data="\n".join(triples(20_000, seed=11)), format="nt")


def test_a_seed_fixes_every_byte_and_another_seed_changes_them(tmp_path, monkeypatch):
    files = []
    for folder, seed in (("a", 5), ("b", 5), ("c", 6)):
        monkeypatch.setattr(generate, "OUT", tmp_path / folder)
        files.append(generate.generate(3_000, seed))
    first, again, other = (f.read_bytes() for f in files)
    assert first == again and first != other
    assert files[0].name == f"gzg-v{generate.FORMAT}-3000-seed5.nt"  # versioned: stale files are never reused
    assert 3_000 <= first.count(b"\n") < 3_000 + 400  # the target, overshot by one project at most
    assert generate.generate(0).read_bytes() == b""


def test_only_projects_and_their_parts_are_generated_everything_else_is_real(sample, real, shapes):
    """Every other IRI is a node of the real graph; every class one the real graph or the shapes know."""
    classes = set(real.objects(None, RDF.type)) | set(shapes.objects(None, SH.targetClass))
    for s, p, o in sample:
        assert GENERATED.fullmatch(str(s)) or (p == M8G.playsRole and (s, None, None) in real), s
        if p == RDF.type:
            assert o in classes, o
        elif isinstance(o, URIRef) and not GENERATED.fullmatch(str(o)) and o != URIRef(generate.SOURCE):
            assert (o, None, None) in real, o


def test_the_published_figures_are_the_graphs(real):
    """The constants copied from the call-1 seed text equal call 1's gzg:kerncijfers in the real graph."""
    figures = next(real.objects(None, GZG.kerncijfers))
    assert float(real.value(figures, GZG.gemiddeldeConsortiumgrootte)) == generate.MEAN_CONSORTIUM
    assert int(real.value(figures, GZG.grootsteConsortium)) == generate.LARGEST_PUBLISHED
    if SHARED_FACTS.exists():
        assert "average consortium 6.5 local governments, largest 16" in SHARED_FACTS.read_text(encoding="utf-8")


def test_consortium_sizes_follow_the_call_1_figures(ref):
    weights = consortium_weights()
    chances = [b - a for a, b in zip([0.0, *weights], weights, strict=False)]
    assert math.isclose(sum((k + 1) * w for k, w in enumerate(chances)), 6.5, abs_tol=0.01)
    assert sum(chances[15:]) > 0.03  # 16 and beyond happen: a few in a hundred
    generator = Generator(ref, seed=3)
    sizes = []
    for n in range(1, 1_500):
        lines = generator.project(n)
        sizes.append(sum("consortiumrol/penhouder>" in line or "consortiumrol/partner>" in line for line in lines))
    assert 6.0 < sum(sizes) / len(sizes) < 7.0
    assert max(sizes) > 16 and min(sizes) == 1


def test_consortia_are_real_municipalities_of_the_projects_date(sample, ref):
    units_2019 = {URIRef(u) for u, _ in ref.municipalities_2019}
    partners = {URIRef(u) for u, _ in ref.partners}
    assert len(ref.municipalities_2019) == 300 and len(ref.municipalities_2025) == 285
    for project in sample.subjects(RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie):
        roles = defaultdict(set)
        for participation in sample.objects(project, M8G.hasParticipation):
            role = str(sample.value(participation, M8G.role)).rsplit("/", 1)[-1]
            roles[role].add(sample.value(predicate=M8G.playsRole, object=participation))
            assert (participation, DCTERMS.description, None) in sample
        start = sample.value(project, LBLOD_SUBSIDIE.projectStartDate)
        day = start.toPython() if start is not None else _applied(sample, project)
        assert day < MERGERS  # every call closed in 2022: consortia of the 300 municipalities of before 2025
        assert len(roles["penhouder"]) == 1
        assert roles["penhouder"] | roles["partner"] <= units_2019
        assert roles["ondersteunende-partner"] <= partners
        assert set(sample.objects(project, LBLOD_SUBSIDIE.collaborator)) == roles["partner"]


def test_amounts_and_periods_keep_to_the_call(sample, ref):
    calls = {URIRef(c.uri): c for c in ref.calls}
    selected = 0
    for project in sample.subjects(RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie):
        call = calls[sample.value(project, GZG.oproep)]
        application = sample.value(project, PROV.wasGeneratedBy)
        requested = _euros(sample, sample.value(application, SUBSIDIE.aangevraagdBedrag))
        assert requested <= call.maximum
        assert _euros(sample, sample.value(project, GZG.geraamdeKost)) == math.ceil(requested / 0.8)
        assert call.window[0] <= _applied(sample, project) <= call.window[1]
        assert sample.value(project, DCTERMS.subject) in {URIRef(t) for t in call.themes}
        granted = sample.value(project, GZG.toegekendBedrag)
        if granted is None:
            assert str(sample.value(project, GZG.status)).endswith("/niet-geselecteerd")
            continue
        selected += 1
        assert _euros(sample, granted) <= requested
        start = sample.value(project, LBLOD_SUBSIDIE.projectStartDate).toPython()
        end = sample.value(project, LBLOD_SUBSIDIE.projectEndDate).toPython()
        assert call.window[1] < start < end
        if call.max_years is not None:
            assert end < start + dt.timedelta(days=365 * call.max_years)
        else:
            assert end <= call.latest_end
    assert 0.25 < selected / len(set(sample.subjects(RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie))) < 0.55


def test_descriptions_are_dutch_of_the_real_length_and_vocabulary(sample, ref):
    vocabulary = set(ref.text.starts) | set(ref.text.next) | {w for ws in ref.text.next.values() for w in ws}
    lengths = []
    for project in sample.subjects(RDF.type, SUBSIDIE.SubsidiemaatregelConsumptie):
        description = sample.value(project, DCTERMS.description)
        assert isinstance(description, Literal) and description.language == "nl"
        words = str(description).split()
        lengths.append(len(words))
        assert set(words[:-1]) <= vocabulary
        title = sample.value(project, DCTERMS.title)
        assert title.language == "nl" and str(title) == str(sample.value(project, LBLOD_SUBSIDIE.projectName))
    real = ref.description_lengths
    assert min(real) * 0.8 - 1 <= min(lengths) and max(lengths) <= max(real) * 1.25 + 1
    assert abs(sum(lengths) / len(lengths) - sum(real) / len(real)) < 6


def test_a_project_over_the_maximum_is_generated_on_request(ref):
    lines = Generator(ref, seed=1, prefix="over").project(1, over_maximum=True)
    graph = Graph().parse(data="\n".join(lines), format="nt")
    project = URIRef(f"{BASE}/id/project/over-1")
    maximum = next(c.maximum for c in ref.calls if URIRef(c.uri) == graph.value(project, GZG.oproep))
    assert _euros(graph, graph.value(project, GZG.toegekendBedrag)) > maximum


@pytest.mark.slow
def test_generated_data_conforms_to_the_shapes_with_the_real_graph(real, shapes):
    """pyshacl over everything: the real graph plus ~5,000 generated triples adds no result to the real graph's."""
    data = Graph()
    data += real
    data.parse(data="\n".join(triples(5_000, seed=2)), format="nt")
    report = validate(data, shapes)
    assert report.conforms, report.summary()
    generated = [r for r in report.results if GENERATED.fullmatch(r.focus_node)]
    assert generated == [], generated[:3]


def _euros(graph: Graph, amount) -> float:
    assert str(graph.value(amount, SCHEMA.currency)) == "EUR"
    return float(graph.value(amount, SCHEMA.value))


def _applied(graph: Graph, project) -> dt.date:
    return graph.value(graph.value(project, PROV.wasGeneratedBy), SUBSIDIE.aanvraagdatum).toPython()
