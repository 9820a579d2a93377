package io.keyspace.notifications.internal.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * This instance as a member of one group: reads each of the group's streams with
 * {@code XREADGROUP}, calls the handler and acknowledges ({@code XACK}) once it returns. An
 * entry whose handler threw stays pending; after the claim timeout any member (this one
 * included) claims it ({@code XAUTOCLAIM}) and tries again, and past the delivery limit it
 * moves to the dead-letter stream. A restarted instance continues from the group's position.
 * Entries the stream's cap trimmed before they were handled are reported ({@link TrimWatch}).
 * <p>
 * Threading: one reader thread per stream; one maintenance thread finds new streams (the
 * group's registry set) and watches for trimming; one more moves poison entries aside and
 * reclaims and handles stuck ones. Readers and the reclaiming thread call the handler. The
 * set of streams read is a concurrent map written only by the maintenance thread.
 */
public final class GroupConsumer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GroupConsumer.class);

	/** How long a read waits for new entries; the client's socket timeout must be longer. */
	public static final Duration BLOCKING_READ = Duration.ofSeconds(1);

	private static final int BLOCK_MILLIS = (int) BLOCKING_READ.toMillis();

	private final String group;

	private final UnifiedJedis redis;

	private final GroupKeys keys;

	private final GroupSettings settings;

	private final KeyNotificationHandler handler;

	private final byte[] keyPrefix;

	private final NotificationErrorHandler errorHandler;

	private final GroupCounters counters;

	private final TrimWatch trimWatch;

	private final Map<String, Thread> readers = new ConcurrentHashMap<>();

	private final ScheduledExecutorService maintenance;

	private volatile boolean closed;

	public GroupConsumer(String group, UnifiedJedis redis, GroupKeys keys, GroupSettings settings,
			KeyNotificationHandler handler, byte[] keyPrefix, NotificationErrorHandler errorHandler,
			GroupCounters counters, Set<String> channels, Consumer<NotificationGap> gaps) {
		this.group = group;
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.handler = handler;
		this.keyPrefix = keyPrefix;
		this.errorHandler = errorHandler;
		this.counters = counters;
		this.trimWatch = new TrimWatch(group, redis, channels, gaps);
		this.maintenance = Executors.newScheduledThreadPool(2, (runnable) -> {
			Thread thread = new Thread(runnable, "keyspace-group-maintenance-" + group);
			thread.setDaemon(true);
			return thread;
		});
	}

	public void start() {
		long interval = Math.min(1_000, Math.max(100, this.settings.claimTimeout().toMillis() / 2));
		this.maintenance.scheduleWithFixedDelay(this::maintain, 0, interval, TimeUnit.MILLISECONDS);
		this.maintenance.scheduleWithFixedDelay(this::reclaimAll, interval, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops reading; entries being handled finish, unacknowledged ones are reclaimed by others.
	 * A member that leaves nothing pending leaves the group, so restarts do not pile up idle
	 * consumers.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.maintenance.shutdown();
		for (Thread reader : this.readers.values()) {
			try {
				reader.join(2L * BLOCK_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			for (String stream : this.readers.keySet()) {
				leaveIfNothingPending(stream);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not leave group '{}'", this.group, ex);
		}
	}

	private void leaveIfNothingPending(String stream) {
		String consumer = this.settings.consumerName();
		if (this.redis.xpending(stream, this.group, XPendingParams.xPendingParams().count(1).consumer(consumer))
			.isEmpty()) {
			this.redis.xgroupDelConsumer(stream, this.group, consumer);
		}
	}

	/** Finds new streams and reports what was trimmed unhandled. */
	private void maintain() {
		whileOpen(() -> {
			for (String stream : this.redis.smembers(this.keys.registry())) {
				if (!this.readers.containsKey(stream)) {
					startReading(stream);
				}
				this.trimWatch.check(stream);
			}
		});
	}

	/**
	 * Moves poison entries aside, then reclaims the others. On a thread of its own: reclaiming
	 * calls handlers, and a hung one must not stop the rest of the maintenance.
	 */
	private void reclaimAll() {
		whileOpen(() -> this.readers.keySet().forEach((stream) -> {
			deadLetter(stream);
			reclaim(stream);
		}));
	}

	private void whileOpen(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			if (!this.closed) {
				logger.warn("Group '{}' maintenance failed ({}); retrying", this.group, ex.getMessage());
			}
		}
	}

	private void startReading(String stream) {
		try {
			this.redis.xgroupCreate(stream, this.group, new StreamEntryID(), true);
		}
		catch (JedisDataException ex) {
			if (!String.valueOf(ex.getMessage()).startsWith("BUSYGROUP")) {
				throw ex;
			}
		}
		Thread reader = new Thread(() -> read(stream), "keyspace-group-" + this.group + "-" + stream);
		reader.setDaemon(true);
		this.readers.put(stream, reader);
		reader.start();
		logger.info("Reading {} as '{}' of group '{}'", stream, this.settings.consumerName(), this.group);
	}

	private void read(String stream) {
		XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(this.settings.batchSize())
			.block(BLOCK_MILLIS);
		Map<String, StreamEntryID> fromNew = Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
		while (!this.closed) {
			try {
				List<Map.Entry<String, List<StreamEntry>>> read = this.redis.xreadGroup(this.group,
						this.settings.consumerName(), params, fromNew);
				if (read != null) {
					read.forEach((entries) -> handleAll(stream, entries.getValue()));
				}
			}
			catch (RuntimeException ex) {
				if (!this.closed) {
					logger.warn("Cannot read {} for group '{}' ({}); retrying", stream, this.group, ex.getMessage());
					pause();
				}
			}
		}
	}

	/**
	 * Calls the handler for each entry, in order, then acknowledges in one {@code XACK} those
	 * whose handler returned (and those that are no notification); a failure leaves its entry
	 * pending, to be retried.
	 */
	private void handleAll(String stream, List<StreamEntry> entries) {
		List<StreamEntryID> done = new ArrayList<>(entries.size());
		for (StreamEntry entry : entries) {
			if (entry.getFields() != null && handle(stream, entry)) {
				done.add(entry.getID());
			}
		}
		if (!done.isEmpty()) {
			this.redis.xack(stream, this.group, done.toArray(StreamEntryID[]::new));
		}
	}

	/** @return whether the entry is done with: handled, or not a notification at all */
	private boolean handle(String stream, StreamEntry entry) {
		Optional<KeyNotification> notification = StreamEntries.toNotification(entry.getFields(), this.keyPrefix);
		if (notification.isEmpty()) {
			logger.warn("Entry {} of {} is not a keyspace notification; acknowledged and skipped", entry.getID(), stream);
			return true;
		}
		try {
			this.handler.onNotification(notification.get());
		}
		catch (RuntimeException ex) {
			this.counters.failed.increment();
			this.errorHandler.handleError(notification.get(), this.handler, ex);
			return false;
		}
		this.counters.handled.increment();
		return true;
	}

	/** Entries delivered too often go to the dead-letter stream, acknowledged in the group. */
	private void deadLetter(String stream) {
		List<StreamPendingEntry> stale = this.redis.xpending(stream, this.group, XPendingParams.xPendingParams()
			.idle(this.settings.claimTimeout().toMillis())
			.count(this.settings.batchSize()));
		for (StreamPendingEntry pending : stale) {
			if (pending.getDeliveredTimes() < this.settings.maxDeliveries() || !claim(stream, pending.getID())) {
				continue;
			}
			List<StreamEntry> entries = this.redis.xrange(stream, pending.getID(), pending.getID());
			Map<String, String> fields = new HashMap<>(entries.isEmpty() ? Map.of() : entries.get(0).getFields());
			fields.put("stream", stream);
			fields.put("id", pending.getID().toString());
			fields.put("deliveries", Long.toString(pending.getDeliveredTimes()));
			this.redis.xadd(this.keys.deadLetter(),
					XAddParams.xAddParams().maxLen(this.settings.maxLength()).approximateTrimming(), fields);
			this.redis.xack(stream, this.group, pending.getID());
			this.counters.deadLettered.increment();
			logger.warn("Entry {} of {} failed {} times in group '{}'; moved to {}", pending.getID(), stream,
					pending.getDeliveredTimes(), this.group, this.keys.deadLetter());
		}
	}

	/** Whether this member won the entry: of members looking at it at once, one claim resets its idle time. */
	private boolean claim(String stream, StreamEntryID id) {
		return !this.redis.xclaimJustId(stream, this.group, this.settings.consumerName(),
				this.settings.claimTimeout().toMillis(), XClaimParams.xClaimParams(), id).isEmpty();
	}

	/** Takes over entries left pending longer than the claim timeout, by any member, and handles them. */
	private void reclaim(String stream) {
		Map.Entry<StreamEntryID, List<StreamEntry>> claimed = this.redis.xautoclaim(stream, this.group,
				this.settings.consumerName(), this.settings.claimTimeout().toMillis(), new StreamEntryID(),
				new XAutoClaimParams().count(this.settings.batchSize()));
		List<StreamEntry> entries = claimed.getValue(); // an entry trimmed away while pending has no fields
		entries.stream().filter((entry) -> entry.getFields() != null).forEach((entry) -> this.counters.reclaimed.increment());
		handleAll(stream, entries);
	}

	private void pause() {
		try {
			Thread.sleep(BLOCK_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** The streams this member reads; for tests and metrics. */
	public Set<String> streams() {
		return Set.copyOf(this.readers.keySet());
	}

}
