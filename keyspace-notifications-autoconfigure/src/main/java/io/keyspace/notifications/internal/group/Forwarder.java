package io.keyspace.notifications.internal.group;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;

/**
 * Copies the notifications of the sources this instance holds the lease for into their group
 * streams. Every instance subscribes and calls this for every notification; only the lease
 * holder of a source forwards it, the others keep it briefly ({@link ReplayBuffer}) so that
 * whoever takes over after a forwarder died forwards what it may have missed.
 * <p>
 * Threading: {@link #onNotification} runs on handler lanes, several at once; each source's
 * state is guarded by its own monitor, held for memory only. One forwarding thread writes
 * the streams (pipelined {@code XADD}s) and keeps the leases; a full queue blocks the lanes,
 * so the dispatcher's overflow policy decides what happens when Redis cannot keep up.
 */
public final class Forwarder implements KeyNotificationHandler, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Forwarder.class);

	/** Clocks of two instances may disagree: replay this much before the previous forwarder's last renewal. */
	private static final long CLOCK_SKEW_MILLIS = 1_000;

	private static final int QUEUE_CAPACITY = 65_536;

	private final String group;

	private final UnifiedJedis redis;

	private final GroupKeys keys;

	private final GroupSettings settings;

	private final Function<String, String> tagOfNode;

	private final Set<String> channels;

	private final Consumer<NotificationGap> gaps;

	private final GroupCounters counters;

	private final ForwardLease lease;

	private final long tickMillis;

	private final Map<String, Source> sources = new ConcurrentHashMap<>();

	private final BlockingQueue<Forward> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);

	private final Thread thread;

	private volatile long listeningSince = Long.MAX_VALUE; // epoch ms; set once subscribed

	private volatile boolean closed;

	/**
	 * @param tagOfNode the hash tag of a source node's keys: its shard's, or one for all
	 * @param channels the names of the channels forwarded, for gap reports
	 * @param gaps where windows nobody forwarded are reported
	 */
	public Forwarder(String group, UnifiedJedis redis, GroupKeys keys, GroupSettings settings,
			Function<String, String> tagOfNode, Set<String> channels, Consumer<NotificationGap> gaps,
			GroupCounters counters) {
		this.group = group;
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.tagOfNode = tagOfNode;
		this.channels = Set.copyOf(channels);
		this.gaps = gaps;
		this.counters = counters;
		this.lease = new ForwardLease(redis, keys, settings.consumerName(), settings.leaseTime().toMillis());
		this.tickMillis = Math.max(100, settings.leaseTime().toMillis() / 3);
		this.thread = new Thread(this::run, "keyspace-group-forwarder-" + group);
		this.thread.setDaemon(true);
	}

	public void start() {
		this.thread.start();
	}

	/**
	 * The notifications are subscribed: from now on this instance sees every notification a
	 * forwarder would, so a takeover can replay back to here.
	 */
	public void listening() {
		this.listeningSince = System.currentTimeMillis();
	}

	@Override
	public void onNotification(KeyNotification notification) {
		if (notification.keyStartsWith(this.settings.streamKeyPrefix())) {
			return; // the groups' own streams and leases: forwarding their events would feed itself
		}
		String node = (notification.node() != null) ? notification.node() : "";
		Source source = this.sources.computeIfAbsent(this.tagOfNode.apply(node), (tag) -> new Source(tag, node,
				(int) Math.min(QUEUE_CAPACITY, this.settings.maxLength())));
		synchronized (source) {
			if (!source.leading) {
				source.replay.add(notification, System.currentTimeMillis());
				this.counters.notForwarded.increment();
				return;
			}
		}
		enqueue(new Forward(source.tag, notification));
	}

	/** Gives up every lease after forwarding what is queued, so another instance takes over at once. */
	@Override
	public void close() {
		this.closed = true;
		this.thread.interrupt();
		try {
			this.thread.join(this.settings.leaseTime().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "Forwarder[" + this.group + "]";
	}

	private void enqueue(Forward forward) {
		try {
			this.queue.put(forward);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt(); // shutting down: the lease lapses and another instance replays
		}
	}

	private void run() {
		long nextTick = 0;
		boolean failing = false;
		List<Forward> batch = new ArrayList<>(this.settings.batchSize());
		while (!this.closed) {
			try {
				if (System.currentTimeMillis() >= nextTick) {
					tickLeases();
					nextTick = System.currentTimeMillis() + this.tickMillis;
				}
				if (batch.isEmpty()) {
					Forward first = this.queue.poll(this.tickMillis, TimeUnit.MILLISECONDS);
					if (first == null) {
						continue;
					}
					batch.add(first);
					this.queue.drainTo(batch, this.settings.batchSize() - 1);
				}
				write(batch);
				batch.clear();
				if (failing) {
					failing = false;
					logger.info("Forwarding keyspace notifications of group '{}' works again", this.group);
				}
			}
			catch (InterruptedException ex) {
				break;
			}
			catch (RuntimeException ex) {
				// Redis unreachable: keep the batch and retry; leases may lapse meanwhile, and
				// whoever takes over replays (duplicates, not losses). One WARN per outage.
				if (!failing) {
					failing = true;
					logger.warn("Cannot forward keyspace notifications of group '{}' ({}); retrying", this.group,
							ex.getMessage());
				}
				if (!pause()) {
					break;
				}
			}
		}
		shutDown(batch);
	}

	private void shutDown(List<Forward> batch) {
		try {
			this.queue.drainTo(batch);
			if (!batch.isEmpty()) {
				write(batch);
			}
			long now = System.currentTimeMillis();
			for (Source source : this.sources.values()) {
				if (source.isLeading()) {
					this.lease.release(source.tag, now);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not hand over forwarding of group '{}' cleanly ({}); the leases lapse after {}",
					this.group, ex.getMessage(), this.settings.leaseTime());
		}
	}

	private boolean pause() {
		try {
			Thread.sleep(this.tickMillis);
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

	/**
	 * Writes the batch and removes what Redis took from it. A command Redis refused is not an
	 * exception of the pipeline: during a failover the demoted primary answers {@code MOVED},
	 * which a cluster pipeline neither follows nor reports. So each reply is checked; what
	 * was refused stays in the batch and the first refusal is thrown: the batch is written
	 * again after a pause, by when the lease renewal (a single command, which follows
	 * {@code MOVED}) has updated the client's slots.
	 */
	private void write(List<Forward> batch) {
		XAddParams capped = XAddParams.xAddParams().maxLen(this.settings.maxLength()).approximateTrimming();
		List<Response<StreamEntryID>> replies = new ArrayList<>(batch.size());
		try (AbstractPipeline pipeline = this.redis.pipelined()) {
			for (Forward forward : batch) {
				replies.add(pipeline.xadd(this.keys.stream(forward.tag()), capped,
						StreamEntries.of(forward.notification())));
			}
			pipeline.sync();
		}
		List<Forward> refused = new ArrayList<>();
		RuntimeException firstRefusal = null;
		for (int i = 0; i < replies.size(); i++) {
			try {
				replies.get(i).get();
			}
			catch (RuntimeException ex) {
				refused.add(batch.get(i));
				firstRefusal = (firstRefusal != null) ? firstRefusal : ex;
			}
		}
		this.counters.forwarded.add(batch.size() - refused.size());
		batch.clear();
		batch.addAll(refused);
		if (firstRefusal != null) {
			throw firstRefusal;
		}
	}

	/** Renews the leases held, tries to take the others, and forgets what surely was forwarded. */
	private void tickLeases() {
		long now = System.currentTimeMillis();
		for (Source source : this.sources.values()) {
			if (source.isLeading()) {
				if (!this.lease.renew(source.tag, now)) {
					logger.warn("Lost the lease to forward {} for group '{}' (it lapsed); another instance forwards it",
							source.node, this.group);
					source.setLeading(false);
				}
				continue;
			}
			long previousUntil = this.lease.acquire(source.tag, now);
			if (previousUntil >= 0) {
				takeOver(source, previousUntil, now);
			}
			else {
				synchronized (source) {
					source.replay.forgetBefore(now - 2 * this.settings.leaseTime().toMillis());
				}
			}
		}
	}

	/**
	 * Forwards what the previous forwarder may have missed, then everything new: the replayed
	 * notifications are written here, before this thread takes anything queued since.
	 */
	private void takeOver(Source source, long previousUntil, long now) {
		this.redis.sadd(this.keys.registry(), this.keys.stream(source.tag));
		long since = Math.max(0, previousUntil - CLOCK_SKEW_MILLIS);
		NotificationGap gap = null;
		List<KeyNotification> missed;
		synchronized (source) {
			// Covered from when this instance listened (or from what the full buffer dropped).
			long coveredFrom = Math.max(this.listeningSince, source.replay.lostUntil());
			if (previousUntil > 0 && coveredFrom > previousUntil) {
				gap = new NotificationGap(source.node, GapCause.NO_FORWARDER, Instant.ofEpochMilli(previousUntil),
						Instant.ofEpochMilli(coveredFrom), this.channels, 0);
			}
			missed = source.replay.takeSince(since);
			source.leading = true;
		}
		logger.info("Forwarding {} into {} for group '{}' ({} replayed)", source.node, this.keys.stream(source.tag),
				this.group, missed.size());
		for (int from = 0; from < missed.size(); from += this.settings.batchSize()) {
			List<KeyNotification> chunk = missed.subList(from, Math.min(missed.size(), from + this.settings.batchSize()));
			write(chunk.stream().map((n) -> new Forward(source.tag, n)).collect(Collectors.toCollection(ArrayList::new)));
		}
		if (gap != null) {
			logger.warn("No instance forwarded {} for group '{}' from {} to {}: notifications of that window are lost "
					+ "for the group", gap.node(), this.group, gap.start(), gap.end());
			this.gaps.accept(gap);
		}
	}

	/** One source's state; guarded by its monitor. */
	private static final class Source {

		final String tag;

		final String node;

		final ReplayBuffer replay;

		boolean leading;

		Source(String tag, String node, int replayCapacity) {
			this.tag = tag;
			this.node = node;
			this.replay = new ReplayBuffer(replayCapacity);
		}

		synchronized boolean isLeading() {
			return this.leading;
		}

		synchronized void setLeading(boolean leading) {
			this.leading = leading;
		}

	}

	private record Forward(String tag, KeyNotification notification) {
	}

}
