package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.keyspace.notifications.KeyNotification;

/**
 * The script that appends a batch of one source to its stream, and its arguments. Fenced: only
 * the lease holder appends, so a forwarder that lost its lease (it stalled, or Redis forgot it)
 * writes nothing its successor replays too; never into a missing stream, which needs its
 * consumer group first; and only onto the entry this instance appended last, so entries Redis
 * lost (a failover) are noticed. The stream is capped near max-length once per batch
 * ({@code XTRIM MAXLEN ~}), which trims what a cap on each {@code XADD} would have.
 * <p>
 * The entries are those of {@link StreamEntries#of}, field for field. The field names are the
 * script's, and the pattern and node are sent once per run of entries that share them, so an
 * entry costs Redis two arguments to parse rather than nine. The script is most of what a
 * group costs the server per notification: measured in docs/performance.md.
 */
final class AppendScript {

	// KEYS: stream, lease. ARGV: owner, max length, the id this instance appended last ('' if
	// none), then runs: pattern ('' if none), node ('' if none), the run's entry count, and per
	// entry its channel and message. Returns {written, the last id}, or {-1} (lease not held),
	// {-2} (stream missing), {-3} (the stream's newest entry is another).
	static final byte[] SOURCE = """
			if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {-1} end
			if redis.call('EXISTS', KEYS[1]) == 0 then return {-2} end
			if ARGV[3] ~= '' then
			  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
			  if #newest == 0 or newest[1][1] ~= ARGV[3] then return {-3} end
			end
			local i = 4
			local n = 0
			local id = ARGV[3]
			while i <= #ARGV do
			  local shared = {}
			  if ARGV[i] ~= '' then shared[#shared + 1] = 'pattern'; shared[#shared + 1] = ARGV[i] end
			  if ARGV[i + 1] ~= '' then shared[#shared + 1] = 'node'; shared[#shared + 1] = ARGV[i + 1] end
			  local runEnd = i + 3 + 2 * tonumber(ARGV[i + 2])
			  i = i + 3
			  while i < runEnd do
			    id = redis.call('XADD', KEYS[1], '*', 'channel', ARGV[i], 'message', ARGV[i + 1], unpack(shared))
			    i = i + 2
			    n = n + 1
			  end
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
		List<byte[]> arguments = new ArrayList<>(6 + 2 * forwards.size());
		arguments.add(owner);
		arguments.add(maxLength);
		arguments.add((lastAppended != null) ? lastAppended.getBytes(StandardCharsets.UTF_8) : NONE);
		int countAt = -1;
		int count = 0;
		String pattern = null;
		String node = null;
		for (Forward forward : forwards) {
			KeyNotification notification = forward.notification();
			String nextPattern = StreamEntries.patternOf(notification);
			String nextNode = StreamEntries.nodeOf(notification);
			if (countAt < 0 || !Objects.equals(nextPattern, pattern) || !Objects.equals(nextNode, node)) {
				if (countAt >= 0) {
					arguments.set(countAt, count(count));
				}
				pattern = nextPattern;
				node = nextNode;
				arguments.add((pattern != null) ? pattern.getBytes(StandardCharsets.UTF_8) : NONE);
				arguments.add((node != null) ? node.getBytes(StandardCharsets.UTF_8) : NONE);
				countAt = arguments.size();
				arguments.add(null); // the run's count, once known
				count = 0;
			}
			arguments.add(StreamEntries.stored(notification.channelBytes()));
			arguments.add(StreamEntries.stored(notification.messageBytes()));
			count++;
		}
		if (countAt >= 0) {
			arguments.set(countAt, count(count));
		}
		return arguments;
	}

	private static byte[] count(int count) {
		return Integer.toString(count).getBytes(StandardCharsets.US_ASCII);
	}

}
