package io.keyspace.notifications.internal.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * This instance as a member of one group: reads each of the group's streams with
 * {@code XREADGROUP}, calls the handler for each notification of an entry and acknowledges
 * ({@code XACK}) once it returned for all. An entry whose handler threw stays pending; after the
 * claim timeout any member (this one included) claims it ({@code XAUTOCLAIM}) and tries again
 * (only what failed, if it was this member: {@link EntryFailures}), and past the delivery
 * limit it moves to the dead-letter stream. A member that joins again under the same name (a handler
 * stopped and started) first handles what it left pending. A restarted instance continues
 * from the group's position. Entries the stream's cap trimmed before they were handled are
 * reported ({@link StreamWatch}); a stream or group Redis lost is recreated
 * ({@link StreamRecovery}).
 * <p>
 * Threading: one reader thread per stream ({@code keyspace-group-<group>-reader-<tag>}); a
 * watch thread ({@code keyspace-group-<group>-watch}) finds new streams in the group's
 * registry and looks at each stream; a reclaim thread ({@code keyspace-group-<group>-reclaim})
 * moves poison entries aside and reclaims and handles stuck ones, apart so that a hung handler
 * cannot stop the watch. Readers and the reclaim thread call the handler, through a
 * {@link HandlerGate} that {@link #close()} shuts, and through the notifications'
 * {@link HandlerObserver}. The set of streams read is a concurrent map written only by the
 * watch thread.
 */
public final class GroupConsumer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GroupConsumer.class);

	/** How long a read waits for new entries; the client's socket timeout must be longer. */
	public static final Duration BLOCKING_READ = Duration.ofSeconds(1);

	private static final int BLOCK_MILLIS = (int) BLOCKING_READ.toMillis();

	// How long close() waits for threads still in a handler after interrupting them.
	private static final long INTERRUPT_GRACE_MILLIS = 1_000;

	private final String group;

	private final GroupRedis redis;

	private final GroupSettings settings;

	private final KeyNotificationHandler handler;

	private final byte[] keyPrefix;

	private final NotificationErrorHandler errorHandler;

	private final HandlerObserver observer;

	private final GroupCounters counters;

	private final StreamWatch watch;

	private final StreamRecovery recovery;

	private final Duration shutdownTimeout;

	private final Set<String> streams = ConcurrentHashMap.newKeySet(); // written by the watch thread

	private final Map<String, ReadSize> readSizes = new ConcurrentHashMap<>(); // each its stream's reader's

	private final Map<String, Thread> readers = new ConcurrentHashMap<>();

	private final HandlerGate gate = new HandlerGate();

	private final EntryFailures failures = new EntryFailures();

	private final ScheduledExecutorService watchThread;

	private final ScheduledExecutorService reclaimThread;

	private volatile boolean started;

	private volatile boolean closed;

	/**
	 * @param observer what every handler call goes through, with the group's name, so that it
	 * is timed and traced like a handler call on the lanes
	 * @param shutdownTimeout how long {@link #close()} lets handler calls under way finish
	 */
	GroupConsumer(String group, GroupRedis redis, GroupSettings settings, KeyNotificationHandler handler,
			byte[] keyPrefix, NotificationErrorHandler errorHandler, HandlerObserver observer, GroupCounters counters,
			StreamWatch watch, StreamRecovery recovery, Duration shutdownTimeout) {
		this.group = group;
		this.redis = redis;
		this.settings = settings;
		this.handler = handler;
		this.keyPrefix = keyPrefix;
		this.errorHandler = errorHandler;
		this.observer = observer;
		this.counters = counters;
		this.watch = watch;
		this.recovery = recovery;
		this.shutdownTimeout = shutdownTimeout;
		this.watchThread = singleThread("keyspace-group-" + group + "-watch");
		this.reclaimThread = singleThread("keyspace-group-" + group + "-reclaim");
	}

	void start() {
		this.started = true;
		long interval = Math.min(1_000, Math.max(100, this.settings.claimTimeout().toMillis() / 2));
		OutageLog watching = new OutageLog(logger, "watch the streams of group '" + this.group + "'");
		OutageLog reclaiming = new OutageLog(logger, "reclaim entries of group '" + this.group + "'");
		this.watchThread.scheduleWithFixedDelay(() -> whileOpen(this::watch, watching), 0, interval,
				TimeUnit.MILLISECONDS);
		this.reclaimThread.scheduleWithFixedDelay(() -> whileOpen(this::reclaimAll, reclaiming), interval, interval,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops reading. Handler calls under way may finish within the shutdown timeout; then no
	 * handler call runs or starts, except in a thread that ignored an interrupt (logged).
	 * Entries read but not handled stay pending: this member handles them first if it joins
	 * again, another claims them after the claim timeout. A member that leaves nothing pending
	 * leaves the group, so restarts do not pile up idle consumers.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.watchThread.shutdown();
		this.reclaimThread.shutdown();
		if (!this.gate.close(this.shutdownTimeout.toMillis())) {
			this.readers.values().forEach(Thread::interrupt);
			this.reclaimThread.shutdownNow();
			if (!this.gate.close(INTERRUPT_GRACE_MILLIS)) {
				logger.warn("A handler of group '{}' is still running {} after the group was closed; abandoned",
						this.group, this.shutdownTimeout);
			}
		}
		for (Thread reader : this.readers.values()) {
			join(reader, 2L * BLOCK_MILLIS);
		}
		try {
			this.reclaimThread.awaitTermination(BLOCK_MILLIS, TimeUnit.MILLISECONDS);
			this.watchThread.awaitTermination(BLOCK_MILLIS, TimeUnit.MILLISECONDS);
			for (String stream : this.streams) {
				this.redis.leaveIfNothingPending(stream);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not leave group '{}'", this.group, ex);
		}
	}

	/**
	 * Finds new streams, reports what was trimmed unhandled, and recreates a stream or group
	 * that Redis lost. A stream read already is watched even if the registry lost it.
	 */
	void watch() {
		Set<String> watched = new LinkedHashSet<>(this.redis.registered());
		watched.addAll(this.streams);
		for (String stream : watched) {
			Optional<StreamState> state = this.watch.check(stream);
			if (state.isEmpty() || state.get().group() == null) {
				this.recovery.ensure(stream, stream);
			}
			if (this.streams.add(stream) && this.started && !this.closed) {
				startReading(stream);
			}
		}
	}

	/**
	 * Moves poison entries aside, then reclaims the others. On a thread of its own: reclaiming
	 * calls handlers, and a hung one must not stop the watch.
	 */
	void reclaimAll() {
		for (String stream : this.streams) {
			deadLetter(stream);
			reclaim(stream);
		}
	}

	/**
	 * One read of a stream, as the reader thread does in a loop: up to batch-size entries, more
	 * under a backlog ({@link ReadSize}).
	 * @param ownPendingAfter null to read new entries; else reads this member's own pending
	 * entries after that id
	 * @return where to go on with its own pending entries, or null when they are done
	 */
	StreamEntryID readOnce(String stream, StreamEntryID ownPendingAfter) {
		ReadSize size = this.readSizes.computeIfAbsent(stream, (s) -> new ReadSize(this.settings));
		try {
			List<StreamEntry> entries = this.redis.read(stream, ownPendingAfter, size.count(), BLOCK_MILLIS);
			long start = System.nanoTime();
			handleAll(stream, entries, ownPendingAfter != null);
			size.afterRead(entries.size(), System.nanoTime() - start);
			if (ownPendingAfter == null || entries.isEmpty()) {
				return null;
			}
			return entries.get(entries.size() - 1).getID();
		}
		catch (GroupRedis.GroupMissingException ex) {
			this.recovery.ensure(stream, stream);
			return null; // a new group: nothing of this member's is pending in it
		}
	}

	private void startReading(String stream) {
		Thread reader = new Thread(() -> read(stream), "keyspace-group-" + this.group + "-reader-" + tagOf(stream));
		reader.setDaemon(true);
		this.readers.put(stream, reader);
		reader.start();
		logger.info("Reading {} as '{}' of group '{}'", stream, this.settings.consumerName(), this.group);
	}

	private void read(String stream) {
		StreamEntryID ownPending = new StreamEntryID(); // what this member left pending comes first
		OutageLog outage = new OutageLog(logger, "read " + stream + " for group '" + this.group + "'");
		while (!this.closed) {
			try {
				ownPending = readOnce(stream, ownPending);
				outage.worked();
			}
			catch (RuntimeException ex) {
				if (this.closed) {
					return;
				}
				outage.failed(ex);
				pause();
			}
		}
	}

	/**
	 * Calls the handler for each entry, in order, then acknowledges in one {@code XACK} those
	 * done with: handled, no notification, or trimmed away while pending (the watch reported
	 * those). A failure leaves its entry pending, to be retried; so does closing, for the rest.
	 * One {@code XACK} per read rather than per batch-size entries: a round trip each would undo
	 * what reading more under a backlog saves.
	 * @param delivered whether the entries were delivered before (reclaimed, or this member's own
	 * pending ones): only those can have failed on this member
	 */
	private void handleAll(String stream, List<StreamEntry> entries, boolean delivered) {
		List<StreamEntryID> done = new ArrayList<>(entries.size());
		for (StreamEntry entry : entries) {
			if (this.closed) {
				break;
			}
			if (entry.getFields() == null || handle(stream, entry, delivered)) {
				done.add(entry.getID());
			}
		}
		if (!done.isEmpty()) {
			this.redis.ack(stream, done);
		}
	}

	/**
	 * Calls the handler for each notification of the entry, in order; those that failed on this
	 * member before, only, if it knows which ({@link EntryFailures}). Closing stops it between
	 * two calls.
	 * @return whether the entry is done with: every notification handled, or it holds none
	 */
	private boolean handle(String stream, StreamEntry entry, boolean delivered) {
		Optional<List<KeyNotification>> notifications = StreamEntries.toNotifications(entry.getFields(),
				this.keyPrefix);
		if (notifications.isEmpty()) {
			logger.warn("Entry {} of {} is not a keyspace notification; acknowledged and skipped", entry.getID(), stream);
			return true;
		}
		if (!this.gate.enter()) {
			return false; // closed: it stays pending
		}
		List<KeyNotification> all = notifications.get();
		String id = entry.getID().toString();
		BitSet toDo = delivered ? this.failures.failedBefore(stream, id) : null;
		if (toDo == null) {
			toDo = new BitSet(all.size());
			toDo.set(0, all.size());
		}
		try {
			for (int i = toDo.nextSetBit(0); i >= 0 && !this.closed; i = toDo.nextSetBit(i + 1)) {
				if (call(all.get(i))) {
					toDo.clear(i);
				}
			}
		}
		finally {
			this.gate.exit();
		}
		if (delivered || !toDo.isEmpty()) {
			this.failures.noteFailed(stream, id, toDo); // what threw, and what closing left undone
		}
		return toDo.isEmpty();
	}

	/** @return whether the handler returned */
	private boolean call(KeyNotification notification) {
		try {
			this.observer.call(this.handler, this.group, notification);
		}
		catch (RuntimeException ex) {
			this.counters.failed.increment();
			this.errorHandler.handleError(notification, this.handler, ex);
			return false;
		}
		this.counters.handled.increment();
		return true;
	}

	/**
	 * Entries delivered too often go to the dead-letter stream, a notification per dead letter
	 * (those that failed, if this member knows which), and are acknowledged in the group.
	 */
	private void deadLetter(String stream) {
		long idle = this.settings.claimTimeout().toMillis();
		for (GroupRedis.Pending pending : this.redis.idlePending(stream, idle, this.settings.batchSize())) {
			if (pending.deliveries() < this.settings.maxDeliveries() || !this.redis.claim(stream, pending.id(), idle)) {
				continue;
			}
			String id = pending.id().toString();
			List<KeyNotification> notifications = this.redis.entry(stream, pending.id())
				.flatMap((fields) -> StreamEntries.toNotifications(fields, null))
				.orElse(List.of());
			BitSet failed = this.failures.failedBefore(stream, id);
			int moved = 0;
			for (int i = 0; i < notifications.size(); i++) {
				if (failed == null || failed.get(i)) {
					Map<String, String> fields = new HashMap<>(StreamEntries.single(notifications.get(i)));
					fields.put("stream", stream);
					fields.put("id", id);
					fields.put("deliveries", Long.toString(pending.deliveries()));
					this.redis.deadLetter(fields);
					moved++;
				}
			}
			this.redis.ack(stream, List.of(pending.id()));
			this.failures.forget(stream, id);
			this.counters.deadLettered.add(moved);
			logger.warn("Entry {} of {} failed {} times in group '{}'; moved {} notification(s) to its dead-letter "
					+ "stream", id, stream, pending.deliveries(), this.group, moved);
		}
	}

	/** Takes over entries left pending longer than the claim timeout, by any member, and handles them. */
	private void reclaim(String stream) {
		List<StreamEntry> entries = this.redis.claimIdle(stream, this.settings.claimTimeout().toMillis(),
				this.settings.batchSize());
		entries.stream()
			.filter((entry) -> entry.getFields() != null)
			.forEach((entry) -> this.counters.reclaimed.add(StreamEntries.count(entry.getFields())));
		handleAll(stream, entries, true);
	}

	private void whileOpen(Runnable task, OutageLog outage) {
		try {
			task.run();
			outage.worked();
		}
		catch (RuntimeException ex) {
			if (!this.closed) {
				outage.failed(ex);
			}
		}
	}

	/** The hash tag of a stream's name ({@code …:{tag}}), to name its reader. */
	private static String tagOf(String stream) {
		int open = stream.lastIndexOf('{');
		return (open >= 0 && stream.endsWith("}")) ? stream.substring(open + 1, stream.length() - 1) : stream;
	}

	private static ScheduledExecutorService singleThread(String name) {
		return Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		});
	}

	private static void join(Thread thread, long millis) {
		try {
			thread.join(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void pause() {
		try {
			Thread.sleep(BLOCK_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
