package io.keyspace.notifications.internal.group;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.keyspace.notifications.KeyNotification;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A Redis server in memory for the group engine's unit tests: leases that expire on a fake
 * clock, a registry, and streams with one consumer group each (entries, last delivered id,
 * entries read, a pending entries list with delivery counts and times), trimmed to a cap. It
 * follows the semantics {@link GroupRedis} relies on, not Redis's every detail: ids are the
 * fake clock's milliseconds. {@link #view} gives one instance's {@link GroupRedis}.
 * Thread-safe by its monitor, so an engine thread and a test can share it.
 */
final class FakeRedis {

	final FakeClock clock = new FakeClock(1_000_000);

	private final GroupKeys keys;

	private final long maxLength;

	private final Map<String, Lease> leases = new HashMap<>();

	private final Map<String, Long> notes = new HashMap<>();

	private final Set<String> registry = new LinkedHashSet<>();

	private final Map<String, Stream> streams = new HashMap<>();

	private final List<Map<String, String>> deadLetters = new ArrayList<>();

	private boolean unreadable;

	FakeRedis(GroupKeys keys, long maxLength) {
		this.keys = keys;
		this.maxLength = maxLength;
	}

	/** The group's Redis as the instance whose consumer name is {@code consumer} sees it. */
	GroupRedis view(String consumer, Duration leaseTime) {
		return new View(consumer, leaseTime.toMillis());
	}

	/** A restart without persistence: everything is gone. */
	synchronized void restartEmpty() {
		this.leases.clear();
		this.notes.clear();
		this.registry.clear();
		this.streams.clear();
	}

	synchronized void delete(String key) {
		this.streams.remove(key);
		this.leases.remove(key);
	}

	/**
	 * A failover to a replica that had received everything up to {@code millis} and nothing
	 * after: stream entries written later are gone, and every note is back to that time.
	 */
	synchronized void loseWritesAfter(long millis) {
		this.streams.values().forEach((stream) -> stream.entries.keySet().removeIf((id) -> id.getTime() > millis));
		this.notes.replaceAll((tag, note) -> Math.min(note, millis));
	}

	/** Whether reading a stream back fails, as on a node that is changing role. */
	synchronized void unreadable(boolean unreadable) {
		this.unreadable = unreadable;
	}

	synchronized String leaseHolder(String tag) {
		Lease lease = this.leases.get(tag);
		return (lease != null && lease.expires > this.clock.millis()) ? lease.owner : null;
	}

	synchronized long note(String tag) {
		return this.notes.getOrDefault(tag, 0L);
	}

	/** Keys of the notifications in the stream, oldest first. */
	synchronized List<String> streamKeys(String stream) {
		Stream found = this.streams.get(stream);
		return (found == null) ? List.of()
				: found.entries.values().stream()
					.flatMap((fields) -> StreamEntries.toNotifications(fields, null).orElseThrow().stream())
					.map(KeyNotification::key)
					.toList();
	}

	synchronized boolean hasGroup(String stream) {
		Stream found = this.streams.get(stream);
		return found != null && found.group != null;
	}

	synchronized List<Map<String, String>> deadLetters() {
		return List.copyOf(this.deadLetters);
	}

	synchronized int pending(String stream) {
		Stream found = this.streams.get(stream);
		return (found == null || found.group == null) ? 0 : found.group.pel.size();
	}

	private static final class Lease {

		final String owner;

		long expires;

		Lease(String owner, long expires) {
			this.owner = owner;
			this.expires = expires;
		}

	}

	private static final class Stream {

		final NavigableMap<StreamEntryID, Map<String, String>> entries = new TreeMap<>();

		StreamEntryID last = new StreamEntryID();

		long added;

		ConsumerGroup group;

		StreamEntryID nextId(long millis) {
			this.last = (millis > this.last.getTime()) ? new StreamEntryID(millis, 0)
					: new StreamEntryID(this.last.getTime(), this.last.getSequence() + 1);
			return this.last;
		}

	}

	private static final class ConsumerGroup {

		StreamEntryID lastDelivered = new StreamEntryID();

		Long entriesRead; // null: not known, as after XGROUP CREATE

		final NavigableMap<StreamEntryID, PelEntry> pel = new TreeMap<>();

	}

	private static final class PelEntry {

		String consumer;

		long deliveries;

		long deliveredAt;

		PelEntry(String consumer, long deliveredAt) {
			this.consumer = consumer;
			this.deliveries = 1;
			this.deliveredAt = deliveredAt;
		}

	}

	private final class View implements GroupRedis {

		private final String consumer;

		private final long leaseMillis;

		private final Map<String, StreamEntryID> lastAppended = new HashMap<>();

		View(String consumer, long leaseMillis) {
			this.consumer = consumer;
			this.leaseMillis = leaseMillis;
		}

		@Override
		public LeaseAttempt acquireLease(String tag) {
			synchronized (FakeRedis.this) {
				long now = FakeRedis.this.clock.millis();
				Lease lease = FakeRedis.this.leases.get(tag);
				boolean taken = lease == null || lease.expires <= now;
				if (taken) {
					FakeRedis.this.leases.put(tag, new Lease(this.consumer, now + this.leaseMillis));
					this.lastAppended.remove(tag);
				}
				return new LeaseAttempt(taken, note(tag));
			}
		}

		@Override
		public boolean renewLease(String tag, long forwardedUntil) {
			synchronized (FakeRedis.this) {
				if (!this.consumer.equals(leaseHolder(tag))) {
					return false;
				}
				FakeRedis.this.leases.get(tag).expires = FakeRedis.this.clock.millis() + this.leaseMillis;
				FakeRedis.this.notes.put(tag, forwardedUntil);
				return true;
			}
		}

		@Override
		public void releaseLease(String tag, long forwardedUntil) {
			synchronized (FakeRedis.this) {
				if (this.consumer.equals(leaseHolder(tag))) {
					FakeRedis.this.notes.put(tag, forwardedUntil);
					FakeRedis.this.leases.remove(tag);
				}
			}
		}

		@Override
		public void register(String stream) {
			synchronized (FakeRedis.this) {
				FakeRedis.this.registry.add(stream);
			}
		}

		@Override
		public Set<String> registered() {
			synchronized (FakeRedis.this) {
				return Set.copyOf(FakeRedis.this.registry);
			}
		}

		@Override
		public boolean createGroup(String stream) {
			synchronized (FakeRedis.this) {
				Stream found = FakeRedis.this.streams.computeIfAbsent(stream, (s) -> new Stream());
				if (found.group != null) {
					return false;
				}
				found.group = new ConsumerGroup();
				return true;
			}
		}

		@Override
		public Appended append(List<Forward> batch) {
			synchronized (FakeRedis.this) {
				List<Forward> left = new ArrayList<>();
				Set<String> missing = new LinkedHashSet<>();
				Set<String> lost = new LinkedHashSet<>();
				Set<String> notHeld = new LinkedHashSet<>();
				int written = 0;
				int dropped = 0;
				Map<String, List<Forward>> byTag = new LinkedHashMap<>();
				batch.forEach((forward) -> byTag.computeIfAbsent(forward.tag(), (t) -> new ArrayList<>()).add(forward));
				for (Map.Entry<String, List<Forward>> source : byTag.entrySet()) {
					String tag = source.getKey();
					List<Forward> forwards = source.getValue();
					String name = FakeRedis.this.keys.stream(tag);
					Stream stream = FakeRedis.this.streams.get(name);
					if (!this.consumer.equals(leaseHolder(tag))) {
						this.lastAppended.remove(tag);
						notHeld.add(tag);
						dropped += forwards.size();
						continue;
					}
					if (stream == null) {
						this.lastAppended.remove(tag);
						missing.add(name);
						left.addAll(forwards);
						continue;
					}
					StreamEntryID expected = this.lastAppended.get(tag);
					if (expected != null && (stream.entries.isEmpty() || !stream.entries.lastKey().equals(expected))) {
						this.lastAppended.remove(tag);
						lost.add(tag);
						left.addAll(forwards);
						continue;
					}
					for (List<KeyNotification> entry : StreamEntries
						.entries(forwards.stream().map(Forward::notification).toList())) {
						StreamEntryID id = stream.nextId(FakeRedis.this.clock.millis());
						this.lastAppended.put(tag, id);
						stream.entries.put(id, GroupStreamEntries.fieldsOf(entry));
						stream.added++;
					}
					while (stream.entries.size() > FakeRedis.this.maxLength) {
						stream.entries.pollFirstEntry();
					}
					written += forwards.size();
				}
				batch.clear();
				batch.addAll(left);
				return new Appended(written, missing, lost, notHeld, dropped, null);
			}
		}

		@Override
		public List<Map<String, String>> entriesSince(String stream, long sinceMillis) {
			synchronized (FakeRedis.this) {
				if (FakeRedis.this.unreadable) {
					throw new IllegalStateException("READONLY (fake): the stream cannot be read now");
				}
				Stream found = FakeRedis.this.streams.get(stream);
				return (found == null) ? List.of()
						: List.copyOf(found.entries.tailMap(new StreamEntryID(sinceMillis, 0), true).values());
			}
		}

		@Override
		public List<StreamEntry> read(String stream, StreamEntryID after, int count, int blockMillis) {
			synchronized (FakeRedis.this) {
				Stream found = FakeRedis.this.streams.get(stream);
				if (found == null || found.group == null) {
					throw new GroupMissingException("NOGROUP (fake) " + stream, null);
				}
				long now = FakeRedis.this.clock.millis();
				List<StreamEntry> read = new ArrayList<>();
				if (after != null) {
					for (Map.Entry<StreamEntryID, PelEntry> own : found.group.pel.tailMap(after, false).entrySet()) {
						if (read.size() == count) {
							break;
						}
						if (own.getValue().consumer.equals(this.consumer)) {
							own.getValue().deliveries++;
							own.getValue().deliveredAt = now;
							read.add(new StreamEntry(own.getKey(), found.entries.get(own.getKey())));
						}
					}
					return read;
				}
				for (Map.Entry<StreamEntryID, Map<String, String>> entry : found.entries
					.tailMap(found.group.lastDelivered, false)
					.entrySet()) {
					if (read.size() == count) {
						break;
					}
					read.add(new StreamEntry(entry.getKey(), entry.getValue()));
					found.group.pel.put(entry.getKey(), new PelEntry(this.consumer, now));
					found.group.lastDelivered = entry.getKey();
					found.group.entriesRead = (found.group.entriesRead != null) ? found.group.entriesRead + 1
							: found.added - found.entries.size() + found.entries.headMap(entry.getKey(), true).size();
				}
				return read;
			}
		}

		@Override
		public void ack(String stream, List<StreamEntryID> ids) {
			synchronized (FakeRedis.this) {
				Stream found = FakeRedis.this.streams.get(stream);
				if (found != null && found.group != null) {
					ids.forEach(found.group.pel::remove);
				}
			}
		}

		@Override
		public List<Pending> idlePending(String stream, long idleMillis, int count) {
			synchronized (FakeRedis.this) {
				long now = FakeRedis.this.clock.millis();
				return group(stream).pel.entrySet().stream()
					.filter((pending) -> now - pending.getValue().deliveredAt >= idleMillis)
					.limit(count)
					.map((pending) -> new Pending(pending.getKey(), pending.getValue().deliveries))
					.toList();
			}
		}

		@Override
		public boolean claim(String stream, StreamEntryID id, long idleMillis) {
			synchronized (FakeRedis.this) {
				long now = FakeRedis.this.clock.millis();
				PelEntry pending = group(stream).pel.get(id);
				if (pending == null || now - pending.deliveredAt < idleMillis) {
					return false;
				}
				pending.consumer = this.consumer; // JUSTID: the delivery count stays
				pending.deliveredAt = now;
				return true;
			}
		}

		@Override
		public List<StreamEntry> claimIdle(String stream, long idleMillis, int count) {
			synchronized (FakeRedis.this) {
				long now = FakeRedis.this.clock.millis();
				Stream found = FakeRedis.this.streams.get(stream);
				List<StreamEntry> claimed = new ArrayList<>();
				for (StreamEntryID id : List.copyOf(group(stream).pel.keySet())) {
					PelEntry pending = found.group.pel.get(id);
					if (claimed.size() == count || now - pending.deliveredAt < idleMillis) {
						continue;
					}
					Map<String, String> fields = found.entries.get(id);
					if (fields == null) {
						found.group.pel.remove(id); // trimmed while pending: XAUTOCLAIM drops it
						continue;
					}
					pending.consumer = this.consumer;
					pending.deliveries++;
					pending.deliveredAt = now;
					claimed.add(new StreamEntry(id, fields));
				}
				return claimed;
			}
		}

		@Override
		public Optional<Map<String, String>> entry(String stream, StreamEntryID id) {
			synchronized (FakeRedis.this) {
				Stream found = FakeRedis.this.streams.get(stream);
				return Optional.ofNullable((found != null) ? found.entries.get(id) : null);
			}
		}

		@Override
		public void deadLetter(Map<String, String> fields) {
			synchronized (FakeRedis.this) {
				FakeRedis.this.deadLetters.add(Map.copyOf(fields));
			}
		}

		@Override
		public void leaveIfNothingPending(String stream) {
			// consumers are not modelled: the PEL names them, nothing else does
		}

		@Override
		public Optional<StreamState> observe(String stream) {
			synchronized (FakeRedis.this) {
				Stream found = FakeRedis.this.streams.get(stream);
				if (found == null) {
					return Optional.empty();
				}
				StreamState.GroupState group = null;
				if (found.group != null) {
					group = new StreamState.GroupState(found.group.lastDelivered, found.group.entriesRead,
							found.group.pel.size(), found.group.pel.isEmpty() ? null : found.group.pel.firstKey());
				}
				Map.Entry<StreamEntryID, Map<String, String>> first = found.entries.firstEntry();
				return Optional.of(new StreamState((first != null) ? first.getKey() : null,
						(first != null) ? first.getValue().get(StreamEntries.NODE) : null, found.last,
						found.entries.size(), found.added, group));
			}
		}

		@Override
		public long pending(String stream) {
			return FakeRedis.this.pending(stream);
		}

		@Override
		public long deadLettered() {
			return FakeRedis.this.deadLetters().size();
		}

		private ConsumerGroup group(String stream) {
			Stream found = FakeRedis.this.streams.get(stream);
			if (found == null || found.group == null) {
				throw new GroupMissingException("NOGROUP (fake) " + stream, null);
			}
			return found.group;
		}

	}

	/** A clock tests move by hand. */
	static final class FakeClock extends Clock {

		private volatile long millis;

		FakeClock(long millis) {
			this.millis = millis;
		}

		void advance(long millis) {
			this.millis += millis;
		}

		@Override
		public long millis() {
			return this.millis;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.millis);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
