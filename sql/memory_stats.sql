--
-- memory_stats: jwt.memory_stats() follows DISCARD ALL, which releases the
-- workspace and empties the key cache (README.md, "Memory").  Sizes depend
-- on the platform, so only whether an area holds anything is shown.
--
SELECT jwt.verify(jwt.sign('{"sub":"ada"}', 'a-secret-of-at-least-32-bytes!!!'),
                  'a-secret-of-at-least-32-bytes!!!');
SELECT area, entries > 0 AS holds_entries, bytes > 0 AS holds_bytes FROM jwt.memory_stats();
DISCARD ALL;
SELECT area, entries, bytes FROM jwt.memory_stats() WHERE area IN ('key cache', 'workspace');
-- and they fill again at the next call
SELECT jwt.verify(jwt.sign('{"sub":"bob"}', 'a-secret-of-at-least-32-bytes!!!'),
                  'a-secret-of-at-least-32-bytes!!!');
SELECT area, entries > 0 AS holds_entries, bytes > 0 AS holds_bytes FROM jwt.memory_stats()
 WHERE area IN ('key cache', 'workspace');
-- an input refused as too large leaves no grown buffer behind
SELECT jwt.sign(jsonb_build_object('x', repeat('a', 10000000)), 'a-secret-of-at-least-32-bytes!!!');
SELECT jwt.encrypt(repeat('a', 10000000), 'an-aes-256-dir-key-of-32-bytes!!', 'dir', 'A256GCM');
SELECT bytes < 1024 * 1024 AS workspace_released FROM jwt.memory_stats() WHERE area = 'workspace';
