"""The shared base of the public REST API, one concern per module (import from the module itself):

- ``lists``: ``PortalListAPIView``, the filtered, paginated, exportable list every list endpoint inherits;
- ``pagination``: keyset pagination without COUNT(*);
- ``parameters``: refused unknown parameters, ``format``/``bom``/``as_of`` parsed and described once;
- ``renderers``: JSON, the browsable API, and the CSV/XLSX export formats;
- ``etags``: ETags from the indicator snapshot a response is computed from (304 on a match);
- ``caching``: anonymous reads served from the cache, keyed by the snapshot or the data version (304 on a match);
- ``throttling``: the rate limits, a fixed-window counter per client in the cache.
"""
