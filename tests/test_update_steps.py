"""An update's three steps (server/jobs.py's Update) in the order the pool runs them: tried in a
worker, persisted by the web process, applied in the zygote and the idle workers. An update
the on-disk store cannot take is refused and reaches no graph; one it takes is on disk before
any worker answers with it."""

import pyoxigraph as ox
import pytest
from server_fixtures import toy_graph

from csto_kg.graph.namespaces import USER
from csto_kg.server import jobs
from csto_kg.server.errors import Refused
from csto_kg.server.pool import WorkerPool

ADDED = ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("1"), ox.NamedNode(USER))
INSERT = f"INSERT DATA {{ GRAPH <{USER}> {{ <urn:x:a> <urn:x:p> \"1\" }} }}"
PATTERN = (f"INSERT {{ GRAPH <{USER}> {{ ?s <urn:x:q> \"2\" }} }} "
           f"WHERE {{ GRAPH <{USER}> {{ ?s <urn:x:p> \"1\" }} }}")


def holds(ctx, quad=ADDED):
    return quad in set(ctx.kg.quads(graph=quad.graph_name))


def in_every_process(pool, job, **kwargs) -> list:
    """The job's answer from each idle worker and from a fresh fork of the zygote."""
    fresh = pool._spawn()
    answers = []
    for worker in [*pool._idle, fresh]:
        worker.conn.send((job, kwargs))
        answers.append(worker.conn.recv()[1])
    fresh.kill()
    assert len(answers) >= 3, answers  # the zygote and at least two workers
    return answers


@pytest.fixture
def persisted(tmp_path):
    kg = toy_graph()
    kg.persist_to = tmp_path / "store"  # as KnowledgeGraph.for_serving sets it
    pool = WorkerPool(jobs.WorkerContext(kg=kg), size=2).start()
    yield pool, kg.persist_to
    pool.close()


def test_an_update_the_store_cannot_take_is_refused_and_reaches_no_graph(persisted):
    pool, disk = persisted
    held = ox.Store(str(disk))  # another program holds the store's lock
    with pytest.raises(Refused) as refused:
        pool.update(jobs.Update(INSERT), 30)
    assert refused.value.status == 503
    assert "could not be saved to the store, so it was not applied" in refused.value.message
    assert "another csto-kg or oxigraph" in refused.value.message
    assert set(in_every_process(pool, holds)) == {False}  # the trial's worker went with it
    assert ADDED not in set(held)
    del held


def test_a_persisted_update_is_on_disk_and_in_every_process(persisted):
    pool, disk = persisted
    pool.update(jobs.Update(INSERT), 30)
    pool.update(jobs.Update(PATTERN), 30)  # a pattern: its trial's quads are what is taken
    follows = ox.Quad(ADDED.subject, ox.NamedNode("urn:x:q"), ox.Literal("2"), ADDED.graph_name)
    assert set(in_every_process(pool, holds)) == {True}
    assert set(in_every_process(pool, holds, quad=follows)) == {True}
    on_disk = set(ox.Store(str(disk)))
    assert {ADDED, follows} <= on_disk
