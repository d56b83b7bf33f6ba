"""The build core: from a docs folder to an up-to-date output folder, doing as
little work as the change since the last build needs.

Glossary (one word per concept, used the same way in every module here):

- page: one Markdown file of the doc set (`sources`).
- digest: a SHA-256 of content. A page's digest covers its path and bytes; a
  model element's (`generator.digest`) its content (or, for a copy resolve
  made, the original's digest and the change); a piece's key (below) the
  function and arguments it was made from.
- stat: a file's size, modification and change times and inode, as the OS
  reports them. A stat equal to the one recorded means the file is unchanged
  (as git's index trusts it).
- seen pages: the stat and digest of every page at the last build (`seen`): a
  page whose stat is unchanged is not read.
- facts: what parse reads from one page (`PageFacts`), kept in the page cache
  (`cache`, a shelf of the store) by the page's digest and docgen's parser code.
- work: what resolve derived from one page (`PageWork`), with digests of what
  it read from other pages; kept in the store (`state`) in runs of pages, so an
  edit re-resolves the pages it affects and nothing else.
- target: data naming a pure render function (`generator.emit.targets`).
- piece: a pure function and its arguments (`generator.emit.content`); its key
  is made of their digests. `pieces.Reuse` takes a piece's value from the store
  when an earlier build made one with the same key.
- store: one SQLite file in the cache folder (`store`), holding facts, work and
  pieces on shelves (one per doc set config, one per target and its options), each
  value tagged with the machine key (`trust`).
- sealed file: a single value kept as a file of the cache folder, tagged with
  the machine key (`sealed`): the seen pages, the record.
- manifest: `OUT/.docgen-manifest.json`, committed with OUT: docgen's version,
  the inputs' digest, every generated file's digest (`output`).
- record: what only this machine knows of OUT (each file's stat as docgen left
  it, the key of the piece each was made from, each target's shelf and files,
  the code, model and work OUT was rendered from), a sealed file (`output`). A
  file whose piece's key and stat are as recorded is not made again
  (`output.vouched`).
- changed fields: the names of the model fields an edit changed since the work
  OUT was rendered from, told from the edited pages' work (`changes`); none can be
  told when a text resolve reads across pages changed (`resolve.PROSE_READ`). A
  target that ignores them all (`Target.ignores`) keeps its files as recorded.
- staging: the folder a build writes new files into, then a journal of the
  renames and removals, applied all-or-nothing (`update`).
- lock: one build at a time per OUT and per cache folder (`lock`).
- forked: work shared with forked processes, which inherit what this one holds
  and send back only their result (`forked`): resolve's per-page work, renders.

Modules, in the order a build uses them: `build` (the command), `lock`,
`sources` and `run` (pages → facts → model, with `seen`, `cache`, `state`),
`changes` (what the edit changed),
`rendering` (targets → staged files, with `pieces` and `store`), both sharing
work with `forked` processes, `output` and
`update` (OUT changed all-or-nothing), `confine` (the one rule for paths read
back from OUT and the cache), `trust` and `sealed` (what the cache may hold).
"""
