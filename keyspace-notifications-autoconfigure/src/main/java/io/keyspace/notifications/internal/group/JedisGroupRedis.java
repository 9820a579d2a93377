package io.keyspace.notifications.internal.group;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.keyspace.notifications.GroupSettings;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * {@link GroupRedis} on a Jedis client: a {@code RedisClient}, {@code RedisClusterClient} or
 * {@code RedisSentinelClient}. Leases are one key per source ({@code SET NX PX}) with a note
 * beside it under the same hash tag, so each script touches one slot. A batch is appended by
 * one script per source, fenced by the lease, all in one pipeline, and each reply is checked: a
 * command Redis refused is not an exception of the pipeline (during a failover the demoted
 * primary answers {@code MOVED}, which a cluster pipeline neither follows nor reports).
 * <p>
 * Thread-safe: the Jedis client pools its connections; the only state of its own is the id
 * of the entry it appended last per source, which only the forwarding thread touches.
 */
final class JedisGroupRedis implements GroupRedis {

	// KEYS: lease, note. ARGV: owner, lease ms. Returns {1 if taken else 0, the note or ''}:
	// the note also tells a non-holder what it may forget.
	private static final String ACQUIRE = """
			local taken = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
			return {taken, redis.call('GET', KEYS[2]) or ''}""";

	private static final String RENEW = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('PEXPIRE', KEYS[1], ARGV[2])
			  redis.call('SET', KEYS[2], ARGV[3])
			  return 1
			end
			return 0""";

	private static final String RELEASE = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('SET', KEYS[2], ARGV[2])
			  redis.call('DEL', KEYS[1])
			end
			return 0""";

	private static final int PAGE = 1_000;

	private final UnifiedJedis redis;

	private final GroupKeys keys;

	private final String group;

	private final String consumer;

	private final String leaseMillis;

	private final byte[] owner;

	private final byte[] maxLength;

	/** The id of the entry this instance appended last, per source; the forwarding thread's own. */
	private final Map<String, String> lastAppended = new ConcurrentHashMap<>();

	private final XAddParams deadLetter;

	JedisGroupRedis(UnifiedJedis redis, GroupKeys keys, GroupSettings settings) {
		this.redis = redis;
		this.keys = keys;
		this.group = keys.group();
		this.consumer = settings.consumerName();
		this.leaseMillis = Long.toString(settings.leaseTime().toMillis());
		this.owner = this.consumer.getBytes(StandardCharsets.UTF_8);
		this.maxLength = Long.toString(settings.maxLength()).getBytes(StandardCharsets.UTF_8);
		this.deadLetter = XAddParams.xAddParams().maxLen(settings.maxLength()).approximateTrimming();
	}

	@Override
	public LeaseAttempt acquireLease(String tag) {
		List<?> reply = (List<?>) this.redis.eval(ACQUIRE, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.consumer, this.leaseMillis));
		String note = text(reply.get(1));
		boolean taken = Long.valueOf(1).equals(reply.get(0));
		if (taken) {
			this.lastAppended.remove(tag); // others may have appended since this instance did
		}
		return new LeaseAttempt(taken, note.isEmpty() ? 0 : Long.parseLong(note));
	}

	@Override
	public boolean renewLease(String tag, long forwardedUntil) {
		Object renewed = this.redis.eval(RENEW, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.consumer, this.leaseMillis, Long.toString(forwardedUntil)));
		return Long.valueOf(1).equals(renewed);
	}

	@Override
	public void releaseLease(String tag, long forwardedUntil) {
		this.redis.eval(RELEASE, List.of(this.keys.lease(tag), this.keys.forwardedUntil(tag)),
				List.of(this.consumer, Long.toString(forwardedUntil)));
	}

	@Override
	public void register(String stream) {
		this.redis.sadd(this.keys.registry(), stream);
	}

	@Override
	public Set<String> registered() {
		return this.redis.smembers(this.keys.registry());
	}

	@Override
	public boolean createGroup(String stream) {
		try {
			this.redis.xgroupCreate(stream, this.group, new StreamEntryID(), true);
			return true;
		}
		catch (JedisDataException ex) {
			if (String.valueOf(ex.getMessage()).startsWith("BUSYGROUP")) {
				return false;
			}
			throw ex;
		}
	}

	@Override
	public Appended append(List<Forward> batch) {
		Map<String, List<Forward>> byTag = new LinkedHashMap<>();
		batch.forEach((forward) -> byTag.computeIfAbsent(forward.tag(), (tag) -> new ArrayList<>()).add(forward));
		Map<String, Response<Object>> replies = new LinkedHashMap<>();
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			byTag.forEach((tag, forwards) -> replies.put(tag, pipeline.eval(AppendScript.SOURCE,
					List.of(bytes(this.keys.stream(tag)), bytes(this.keys.lease(tag))),
					AppendScript.arguments(this.owner, this.maxLength, this.lastAppended.get(tag), forwards))));
			pipeline.sync();
		}
		List<Forward> left = new ArrayList<>();
		Set<String> missing = new HashSet<>();
		Set<String> lost = new HashSet<>();
		Set<String> notHeld = new HashSet<>();
		RuntimeException refusal = null;
		int written = 0;
		for (Map.Entry<String, Response<Object>> reply : replies.entrySet()) {
			String tag = reply.getKey();
			try {
				List<?> outcome = (List<?>) reply.getValue().get();
				long code = (Long) outcome.get(0);
				if (code < 0) {
					this.lastAppended.remove(tag);
				}
				if (code == AppendScript.NOT_HELD) {
					notHeld.add(tag); // dropped: the holder replays them
				}
				else if (code == AppendScript.MISSING) {
					missing.add(this.keys.stream(tag));
					left.addAll(byTag.get(tag));
				}
				else if (code == AppendScript.LOST) {
					lost.add(tag);
					left.addAll(byTag.get(tag));
				}
				else {
					written += byTag.get(tag).size(); // all of them: the script writes its entries or refuses
					this.lastAppended.put(tag, text(outcome.get(1)));
				}
			}
			catch (RuntimeException ex) {
				left.addAll(byTag.get(tag));
				refusal = (refusal != null) ? refusal : ex;
			}
		}
		int dropped = batch.size() - written - left.size();
		batch.clear();
		batch.addAll(left);
		return new Appended(written, missing, lost, notHeld, dropped, refusal);
	}

	@Override
	public List<Map<String, String>> entriesSince(String stream, long sinceMillis) {
		List<Map<String, String>> entries = new ArrayList<>();
		StreamEntryID from = new StreamEntryID(Math.max(0, sinceMillis), 0);
		while (true) {
			List<StreamEntry> page = this.redis.xrange(stream, from.toString(), "+", PAGE);
			page.forEach((entry) -> entries.add(entry.getFields()));
			if (page.size() < PAGE) {
				return entries;
			}
			StreamEntryID last = page.get(page.size() - 1).getID();
			from = new StreamEntryID(last.getTime(), last.getSequence() + 1);
		}
	}

	@Override
	public List<StreamEntry> read(String stream, StreamEntryID after, int count, int blockMillis) {
		XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(count);
		if (after == null) {
			params.block(blockMillis);
		}
		StreamEntryID from = (after != null) ? after : StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY;
		try {
			List<Map.Entry<String, List<StreamEntry>>> read = this.redis.xreadGroup(this.group, this.consumer, params,
					Map.of(stream, from));
			return (read == null || read.isEmpty()) ? List.of() : read.get(0).getValue();
		}
		catch (JedisDataException ex) {
			// NOGROUP: no stream or no group; UNBLOCKED: the stream was deleted during the read.
			String message = String.valueOf(ex.getMessage());
			if (message.startsWith("NOGROUP") || message.startsWith("UNBLOCKED")) {
				throw new GroupMissingException(message, ex);
			}
			throw ex;
		}
	}

	@Override
	public void ack(String stream, List<StreamEntryID> ids) {
		this.redis.xack(stream, this.group, ids.toArray(StreamEntryID[]::new));
	}

	@Override
	public List<Pending> idlePending(String stream, long idleMillis, int count) {
		return this.redis.xpending(stream, this.group, XPendingParams.xPendingParams().idle(idleMillis).count(count))
			.stream()
			.map((pending) -> new Pending(pending.getID(), pending.getDeliveredTimes()))
			.toList();
	}

	@Override
	public boolean claim(String stream, StreamEntryID id, long idleMillis) {
		return !this.redis.xclaimJustId(stream, this.group, this.consumer, idleMillis, XClaimParams.xClaimParams(), id)
			.isEmpty();
	}

	@Override
	public List<StreamEntry> claimIdle(String stream, long idleMillis, int count) {
		return this.redis.xautoclaim(stream, this.group, this.consumer, idleMillis, new StreamEntryID(),
				new XAutoClaimParams().count(count)).getValue();
	}

	@Override
	public Optional<Map<String, String>> entry(String stream, StreamEntryID id) {
		List<StreamEntry> entries = this.redis.xrange(stream, id, id);
		return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0).getFields());
	}

	@Override
	public void deadLetter(Map<String, String> fields) {
		this.redis.xadd(this.keys.deadLetter(), this.deadLetter, fields);
	}

	@Override
	public void leaveIfNothingPending(String stream) {
		if (this.redis.xpending(stream, this.group, XPendingParams.xPendingParams().count(1).consumer(this.consumer))
			.isEmpty()) {
			this.redis.xgroupDelConsumer(stream, this.group, this.consumer);
		}
	}

	@Override
	public Optional<StreamState> observe(String stream) {
		StreamInfo info;
		try {
			info = this.redis.xinfoStream(stream);
		}
		catch (JedisDataException ex) {
			if (String.valueOf(ex.getMessage()).contains("no such key")) {
				return Optional.empty();
			}
			throw ex;
		}
		StreamEntry first = info.getFirstEntry();
		StreamGroupInfo groupInfo = this.redis.xinfoGroups(stream).stream()
			.filter((candidate) -> candidate.getName().equals(this.group))
			.findFirst()
			.orElse(null);
		StreamState.GroupState group = null;
		if (groupInfo != null) {
			StreamPendingSummary pending = this.redis.xpending(stream, this.group);
			group = new StreamState.GroupState(groupInfo.getLastDeliveredId(),
					number(groupInfo.getGroupInfo().get("entries-read")), pending.getTotal(),
					(pending.getTotal() > 0) ? pending.getMinId() : null);
		}
		return Optional.of(new StreamState((first != null) ? first.getID() : null,
				(first != null) ? first.getFields().get(StreamEntries.NODE) : null, info.getLastGeneratedId(),
				info.getLength(), number(info.getStreamInfo().get("entries-added")), group));
	}

	@Override
	public long pending(String stream) {
		try {
			return this.redis.xpending(stream, this.group).getTotal();
		}
		catch (JedisDataException ex) {
			if (String.valueOf(ex.getMessage()).startsWith("NOGROUP")) {
				return 0; // lost: recreated empty by whoever notices
			}
			throw ex;
		}
	}

	@Override
	public long deadLettered() {
		return this.redis.xlen(this.keys.deadLetter());
	}

	private static Long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : null;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

}
