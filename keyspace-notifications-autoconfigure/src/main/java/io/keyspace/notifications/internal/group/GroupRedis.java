package io.keyspace.notifications.internal.group;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Everything one group asks of Redis, in the group's own terms: its leases, its streams and
 * its consumer group. {@link JedisGroupRedis} is the one implementation; the engine's unit
 * tests put an in-memory one in its place, so lease, replay, trim and recovery decisions are
 * tested with fake time.
 * <p>
 * Any method may throw a {@link RuntimeException} when Redis cannot be reached or refuses.
 */
interface GroupRedis {

	/**
	 * Tries to take the lease on a source ({@code SET NX PX}).
	 * @return whether it was taken, and the holder's (or the previous holder's) note of until
	 * when the source was surely forwarded
	 */
	LeaseAttempt acquireLease(String tag);

	/**
	 * Renews the lease if this instance holds it and notes until when it surely forwarded.
	 * @return whether it held the lease
	 */
	boolean renewLease(String tag, long forwardedUntil);

	/** Gives the lease up if this instance holds it, noting until when it surely forwarded. */
	void releaseLease(String tag, long forwardedUntil);

	/** Adds a stream to the group's registry, where consumers find it. */
	void register(String stream);

	/** The streams of the group's registry. */
	Set<String> registered();

	/**
	 * Creates the consumer group at the start of the stream, and the stream if it is missing
	 * ({@code XGROUP CREATE … 0 MKSTREAM}): atomic on the server, so of instances that try at
	 * once, one creates it.
	 * @return whether this call created the group (false: it existed)
	 */
	boolean createGroup(String stream);

	/**
	 * Appends the batch to its streams, capped, and only where this instance holds the source's
	 * lease: what it no longer leads is dropped (whoever holds the lease replays it), so two
	 * instances never both write. Never creates a stream: one that is missing was lost and needs
	 * its group first. Removes from the batch what was written or dropped.
	 * @return what happened
	 */
	Appended append(List<Forward> batch);

	/** The fields of the stream's entries since that moment (the entry ids' clock), oldest first. */
	List<Map<String, String>> entriesSince(String stream, long sinceMillis);

	/**
	 * Reads entries as this consumer ({@code XREADGROUP}): with {@code after} null, new ones
	 * (waiting up to {@code blockMillis}); else this consumer's own pending entries after that id.
	 * @throws GroupMissingException if the stream or its group does not exist
	 */
	List<StreamEntry> read(String stream, StreamEntryID after, int count, int blockMillis);

	void ack(String stream, List<StreamEntryID> ids);

	/** Entries pending longer than {@code idleMillis}, with their delivery counts. */
	List<Pending> idlePending(String stream, long idleMillis, int count);

	/**
	 * Claims one entry for this consumer if it is still idle that long; of members that try at
	 * once, one wins (the claim resets its idle time).
	 */
	boolean claim(String stream, StreamEntryID id, long idleMillis);

	/** Claims entries pending longer than {@code idleMillis}, by any member ({@code XAUTOCLAIM}). */
	List<StreamEntry> claimIdle(String stream, long idleMillis, int count);

	/** The entry's fields, or empty if it is not in the stream anymore. */
	Optional<Map<String, String>> entry(String stream, StreamEntryID id);

	/** Appends to the group's dead-letter stream, capped. */
	void deadLetter(Map<String, String> fields);

	/** Removes this consumer from the group on the stream if it has nothing pending there. */
	void leaveIfNothingPending(String stream);

	/** What the stream and its group look like now; empty if the stream does not exist. */
	Optional<StreamState> observe(String stream);

	/**
	 * Entries of the stream delivered to any member of the group and not acknowledged
	 * ({@code XPENDING} summary); 0 if the stream or its group does not exist.
	 */
	long pending(String stream);

	/** Entries in the group's dead-letter stream ({@code XLEN}), 0 if it does not exist. */
	long deadLettered();

	/** The outcome of {@link #acquireLease}: taken or not, and the forwarder's note (0 if none). */
	record LeaseAttempt(boolean taken, long forwardedUntil) {
	}

	/** A pending entry and how often it was delivered. */
	record Pending(StreamEntryID id, long deliveries) {
	}

	/**
	 * What {@link #append} did: how many it wrote; the sources (tags) whose lease this instance
	 * does not hold, and how many it dropped for them; what it left in the batch — entries for
	 * streams that are missing, for streams whose newest entry is not the one this instance
	 * appended last (Redis lost what it appended since: a failover to a replica that had not
	 * received it), and those of the first refusal of another kind (a node that moved, Redis
	 * unreachable).
	 */
	record Appended(int written, Set<String> missingStreams, Set<String> lostAppends, Set<String> leasesNotHeld,
			int dropped, RuntimeException refusal) {
	}

	/** Thrown by {@link #read} when the stream or the group is gone. */
	final class GroupMissingException extends RuntimeException {

		GroupMissingException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
