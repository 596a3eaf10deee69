"""Drives a practice deployment with Elasticsearch's own Python client (Debian's
python3-elasticsearch, 7.17) the way scripts and tools use it: helpers.bulk, helpers.scan,
helpers.reindex, mget, update/delete by query, _reindex, count, scroll, point in time, stats,
highlight. Prints one JSON object of what it saw; exits 1 with the failed check's name on a
mismatch. Arguments: URL USERNAME PASSWORD FLAVOUR.
"""
import json
import sys

from elasticsearch import Elasticsearch, helpers
from elasticsearch.exceptions import NotFoundError, RequestError

url, username, password, flavour = sys.argv[1:5]
es = Elasticsearch(url, http_auth=(username, password), max_retries=0, request_timeout=60)
seen = {}


def check(name, condition, value):
    seen[name] = value
    if not condition:
        print(json.dumps({"failed": name, "seen": seen}, default=str))
        sys.exit(1)


INDEX = "py-logs"
N = 2500

info = es.info()
check("version", info["version"]["number"].split(".")[0] == flavour, info["version"]["number"])

# helpers.bulk in one chunk, answered once a refresh has made it searchable.
docs = ({"_index": INDEX, "_id": str(i), "_source": {"n": i, "msg": "event %d of the lab" % i, "tag": "even" if i % 2 == 0 else "odd"}} for i in range(N))
ok, errors = helpers.bulk(es, docs, chunk_size=N, refresh="wait_for")
check("bulk", ok == N and errors == [], [ok, errors])
check("count", es.count(index=INDEX)["count"] == N, es.count(index=INDEX)["count"])
total = es.search(index=INDEX, size=0, rest_total_hits_as_int=True)["hits"]["total"]
check("total_as_int", total == N, total)

# helpers.scan: scroll through a query, 300 at a time, then clear the scroll.
evens = [hit["_id"] for hit in helpers.scan(es, index=INDEX, query={"query": {"term": {"tag.keyword": "even"}}}, size=300, scroll="1m")]
check("scan", len(evens) == N // 2 and len(set(evens)) == N // 2, len(set(evens)))
ordered = [hit["_source"]["n"] for hit in helpers.scan(es, index=INDEX, query={"query": {"range": {"n": {"lt": 700}}}, "sort": [{"n": "desc"}]}, size=250, preserve_order=True)]
check("scan_ordered", ordered == list(range(699, -1, -1)), ordered[:3])

# A scroll by hand: integer totals on every page, then clear_scroll.
page = es.search(index=INDEX, scroll="30s", size=1000, rest_total_hits_as_int=True, body={"query": {"match_all": {}}})
pages = [len(page["hits"]["hits"])]
while True:
    page = es.scroll(scroll_id=page["_scroll_id"], scroll="30s", rest_total_hits_as_int=True)
    check("scroll_total", page["hits"]["total"] == N, page["hits"]["total"])
    if not page["hits"]["hits"]:
        break
    pages.append(len(page["hits"]["hits"]))
check("scroll_pages", pages == [1000, 1000, 500], pages)
cleared = es.clear_scroll(scroll_id=page["_scroll_id"])
check("clear_scroll", cleared["succeeded"] and cleared["num_freed"] == 1, cleared)
try:
    es.scroll(scroll_id=page["_scroll_id"], scroll="30s")
    check("scroll_gone", False, "answered")
except NotFoundError as e:
    check("scroll_gone", e.error == "search_phase_execution_exception", e.error)

# mget by index and by body.
got = es.mget(index=INDEX, body={"ids": ["1", "2", "no-such-id"]})["docs"]
check("mget_ids", [d["found"] for d in got] == [True, True, False], [d["found"] for d in got])
got = es.mget(body={"docs": [{"_index": INDEX, "_id": "3", "_source": ["n"]}]})["docs"]
check("mget_docs", got[0]["_source"] == {"n": 3}, got[0]["_source"])

# A scripted update, then update and delete by query.
es.update(index=INDEX, id="2", body={"script": {"source": "ctx._source.n += params.by", "lang": "painless", "params": {"by": 1000000}}})
check("update_script", es.get(index=INDEX, id="2")["_source"]["n"] == 1000002, es.get(index=INDEX, id="2")["_source"]["n"])
ubq = es.update_by_query(index=INDEX, body={"query": {"term": {"tag.keyword": "odd"}}, "script": {"source": "ctx._source.n += 100000", "lang": "painless"}}, refresh=True, conflicts="proceed")
check("update_by_query", ubq["updated"] == N // 2 and ubq["failures"] == [], [ubq["updated"], ubq["failures"]])
dbq = es.delete_by_query(index=INDEX, body={"query": {"range": {"n": {"gte": 100000}}}}, refresh=True)
check("delete_by_query", dbq["deleted"] == N // 2 + 1, dbq["deleted"])
left = es.count(index=INDEX)["count"]
check("count_after", left == N // 2 - 1, left)

# _reindex of a query, and helpers.reindex (scan + bulk).
copied = es.reindex(body={"source": {"index": INDEX, "query": {"range": {"n": {"lt": 100}}}}, "dest": {"index": "py-copy"}}, refresh=True)
check("reindex", copied["created"] == 49, copied["created"])
helpers.reindex(es, INDEX, "py-copy-all", bulk_kwargs={"refresh": True})
check("helpers_reindex", es.count(index="py-copy-all")["count"] == left, es.count(index="py-copy-all")["count"])

# A point in time, paged with search_after.
pit = es.open_point_in_time(index=INDEX, keep_alive="1m")
es.index(index=INDEX, id="late", body={"n": -1, "tag": "late"}, refresh=True)
after = None
ns = []
while True:
    body = {"size": 500, "pit": {"id": pit["id"], "keep_alive": "1m"}, "sort": [{"n": "asc"}]}
    if after:
        body["search_after"] = after
    hits = es.search(body=body)["hits"]["hits"]
    if not hits:
        break
    ns.extend(hit["_source"]["n"] for hit in hits)
    after = hits[-1]["sort"]
check("pit", len(ns) == left and -1 not in ns and ns == sorted(ns), len(ns))
check("pit_close", es.close_point_in_time(body={"id": pit["id"]})["succeeded"], True)

# Stats, highlight, and an error as ES gives it.
stats = es.indices.stats(index=INDEX, metric="docs")
check("stats", stats["indices"][INDEX]["primaries"]["docs"]["count"] == left + 1, stats["indices"][INDEX]["primaries"]["docs"])
hit = es.search(index=INDEX, body={"query": {"match": {"msg": "lab"}}, "highlight": {"fields": {"msg": {}}}}, size=1)["hits"]["hits"][0]
check("highlight", "<em>lab</em>" in hit["highlight"]["msg"][0], hit["highlight"]["msg"])
try:
    es.search(index=INDEX, search_type="query_and_fetch")
    check("search_type", False, "answered")
except RequestError as e:
    check("search_type", e.info["error"]["reason"] == "Unsupported search type [query_and_fetch]", e.info["error"]["reason"])

print(json.dumps({"ok": True, "seen": seen}, default=str))
