package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.keyspace.notifications.KeyNotification;

/**
 * The script that appends a batch of one source to its stream, and its arguments. Fenced: only
 * the lease holder appends, so a forwarder that lost its lease (it stalled, or Redis forgot it)
 * writes nothing its successor replays too; never into a missing stream, which needs its
 * consumer group first; and only onto the entry this instance appended last, so entries Redis
 * lost (a failover) are noticed. The stream is capped near max-length once per batch
 * ({@code XTRIM MAXLEN ~}), which trims what a cap on each {@code XADD} would have.
 * <p>
 * The entries are those of {@link StreamEntries#entries}, with the fields {@code notifications}
 * ({@link StreamEntries#packed}), {@code pattern} and {@code node}: the script gets three
 * arguments per entry (pattern, node, the packed notifications) and parses none of them, so
 * what a notification costs the server here is a share of one {@code XADD}
 * (docs/performance.md).
 */
final class AppendScript {

	// KEYS: stream, lease. ARGV: owner, max length, the id this instance appended last ('' if
	// none), then per entry: pattern ('' if none), node ('' if none), the packed notifications.
	// Returns {entries written, the last id}, or {-1} (lease not held), {-2} (stream missing),
	// {-3} (the stream's newest entry is another).
	static final byte[] SOURCE = """
			if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {-1} end
			if redis.call('EXISTS', KEYS[1]) == 0 then return {-2} end
			if ARGV[3] ~= '' then
			  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
			  if #newest == 0 or newest[1][1] ~= ARGV[3] then return {-3} end
			end
			local n = 0
			local id = ARGV[3]
			for i = 4, #ARGV, 3 do
			  local fields = {'notifications', ARGV[i + 2]}
			  if ARGV[i] ~= '' then fields[#fields + 1] = 'pattern'; fields[#fields + 1] = ARGV[i] end
			  if ARGV[i + 1] ~= '' then fields[#fields + 1] = 'node'; fields[#fields + 1] = ARGV[i + 1] end
			  id = redis.call('XADD', KEYS[1], '*', unpack(fields))
			  n = n + 1
			end
			redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
			return {n, id}""".getBytes(StandardCharsets.UTF_8);

	static final long NOT_HELD = -1;

	static final long MISSING = -2;

	static final long LOST = -3;

	private static final byte[] NONE = new byte[0];

	private AppendScript() {
	}

	/**
	 * @param lastAppended the id this instance appended last to the stream, null if none
	 * @param forwards notifications of one source, in order
	 */
	static List<byte[]> arguments(byte[] owner, byte[] maxLength, String lastAppended, List<Forward> forwards) {
		List<List<KeyNotification>> entries = StreamEntries
			.entries(forwards.stream().map(Forward::notification).toList());
		List<byte[]> arguments = new ArrayList<>(3 + 3 * entries.size());
		arguments.add(owner);
		arguments.add(maxLength);
		arguments.add((lastAppended != null) ? lastAppended.getBytes(StandardCharsets.UTF_8) : NONE);
		for (List<KeyNotification> entry : entries) {
			arguments.add(utf8OrNone(StreamEntries.patternOf(entry.get(0))));
			arguments.add(utf8OrNone(StreamEntries.nodeOf(entry.get(0))));
			arguments.add(StreamEntries.packed(entry));
		}
		return arguments;
	}

	private static byte[] utf8OrNone(String text) {
		return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : NONE;
	}

}
