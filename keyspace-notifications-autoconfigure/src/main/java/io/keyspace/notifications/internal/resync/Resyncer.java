package io.keyspace.notifications.internal.resync;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.ResyncListener;
import io.keyspace.notifications.ResyncPass;
import io.keyspace.notifications.ResyncSettings;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.dispatch.Dispatcher;
import io.keyspace.notifications.internal.dispatch.NotificationCounters;
import io.keyspace.notifications.internal.match.NotificationDecoder;
import io.keyspace.notifications.internal.resync.KeyScanner.NodeKeys;
import io.keyspace.notifications.internal.resync.ResyncScope.KeyGlob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the resync passes of the resynced handlers: one pass per handler and node, when the
 * handler subscribes and after every gap on a node, one at a time on the daemon thread
 * {@code keyspace-resync}, so that no reader or handler thread ever waits for a scan.
 * <p>
 * A pass first waits until the lanes have handled what was queued before it (live notifications
 * read before the gap ended, and a replaced pass's), then tells the listener it started, scans
 * the node and queues one {@code resync} notification per key (at most
 * {@link ResyncSettings#keysPerSecond()} a second, never more than half a lane), waits until
 * they were handled, and tells the listener it completed. A gap on the node meanwhile abandons
 * the pass and queues a new one; a pass that fails (the node cannot be scanned) is retried
 * with a growing delay.
 * <p>
 * Threading: registrations and requests are guarded by this object's monitor, held for
 * memory updates only; scans and listener calls run on the resync thread without it.
 */
public final class Resyncer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Resyncer.class);

	private static final byte[] RESYNC = EventType.RESYNC.getBytes(StandardCharsets.US_ASCII);

	/** A pass longer than this logs its progress at this interval, and its end, at INFO. */
	public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

	private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

	private static final Duration LAST_RETRY = Duration.ofSeconds(30);

	private final ResyncSettings settings;

	private final KeyScanner scanner;

	private final Dispatcher dispatcher;

	private final NotificationDecoder decoder;

	private final byte[] keyPrefix;

	private final Targets targets;

	private final NotificationCounters.Resyncs counters;

	private final long progressNanos;

	// Guarded by this.
	private final Map<KeyNotificationHandler, ResyncRegistration> registrations = new LinkedHashMap<>();

	private final Map<Pending, Request> pending = new LinkedHashMap<>();

	private ResyncRun running;

	private Thread worker;

	private boolean closed;

	private long nextFreeNanos; // the rate limit's clock; resync thread only

	/** Where the keys are: the nodes to scan for a handler's keys. */
	public interface Targets {

		/** Every node that owns keys: a new subscription's passes. */
		List<ResyncTarget> all();

		/** The nodes that own the keys a node ({@code host:port}) delivered before a gap. */
		List<ResyncTarget> afterGapOn(String node);

	}

	/** @param progressInterval see {@link #PROGRESS_INTERVAL}; shorter in tests */
	public Resyncer(ResyncSettings settings, KeyScanner scanner, Dispatcher dispatcher, NotificationDecoder decoder,
			byte[] keyPrefix, Targets targets, NotificationCounters.Resyncs counters, Duration progressInterval) {
		this.settings = settings;
		this.scanner = scanner;
		this.dispatcher = dispatcher;
		this.decoder = decoder;
		this.keyPrefix = keyPrefix;
		this.targets = targets;
		this.counters = counters;
		this.progressNanos = progressInterval.toNanos();
	}

	/**
	 * Adds channels to a handler's resync; the same handler keeps one registration.
	 * @param handler as the caller subscribes it (a {@code FilteredHandler} keeps its filter)
	 * @return the handler to register for its live notifications
	 * @throws IllegalArgumentException if a channel names no key to resync
	 */
	public synchronized KeyNotificationHandler register(KeyNotificationHandler handler, ResyncListener listener,
			List<NotificationChannel> channels) {
		ResyncRegistration registration = this.registrations.get(handler);
		if (registration == null) {
			registration = new ResyncRegistration(handler, Objects.requireNonNull(listener, "listener"), this.keyPrefix);
			registration.add(channels);
			this.registrations.put(handler, registration);
		}
		else {
			registration.add(channels);
		}
		return registration.registered();
	}

	/** What the registry holds for a handler: its resync wrapper if it is resynced, else itself. */
	public synchronized KeyNotificationHandler registered(KeyNotificationHandler handler) {
		ResyncRegistration registration = this.registrations.get(handler);
		return (registration != null) ? registration.registered() : handler;
	}

	/** A handler left channels; with none left its passes stop. */
	public synchronized void unregister(KeyNotificationHandler handler, List<NotificationChannel> channels) {
		ResyncRegistration registration = this.registrations.get(handler);
		if (registration != null && !registration.remove(channels)) {
			this.registrations.remove(handler);
			stopPasses(registration);
		}
	}

	/** Channels left by every handler. */
	public synchronized void unregisterAll(List<NotificationChannel> channels) {
		for (KeyNotificationHandler handler : List.copyOf(this.registrations.keySet())) {
			unregister(handler, channels);
		}
	}

	/** Queues a pass on every node for a handler that subscribed. */
	public void resyncAll(KeyNotificationHandler handler) {
		List<ResyncTarget> all = this.targets.all();
		synchronized (this) {
			ResyncRegistration registration = this.registrations.get(handler);
			if (registration != null) {
				all.forEach((target) -> request(registration, target, null));
			}
		}
	}

	/** Queues a pass of every resynced handler on the nodes that own what a gap's node delivered. */
	public void onGap(NotificationGap gap) {
		List<ResyncTarget> targets;
		synchronized (this) {
			if (this.registrations.isEmpty() || this.closed) {
				return;
			}
		}
		targets = this.targets.afterGapOn(gap.node());
		synchronized (this) {
			for (ResyncRegistration registration : this.registrations.values()) {
				targets.forEach((target) -> request(registration, target, gap));
			}
		}
	}

	/** Stops the resync thread; a pass running is abandoned. */
	@Override
	public void close() {
		Thread thread;
		synchronized (this) {
			this.closed = true;
			this.pending.clear();
			if (this.running != null) {
				this.running.abandon();
			}
			thread = this.worker;
			notifyAll();
		}
		if (thread != null) {
			try {
				thread.join(TimeUnit.SECONDS.toMillis(2));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Replaces the handler's pending pass of the node, and abandons its running one. Holds the monitor. */
	private void request(ResyncRegistration registration, ResyncTarget target, NotificationGap cause) {
		if (this.closed) {
			return;
		}
		Pending key = new Pending(registration, target.node());
		this.pending.put(key, new Request(registration, target, cause, 0, 0));
		if (this.running != null && this.running.registration() == registration
				&& this.running.target().node().equals(target.node())) {
			this.running.abandon();
		}
		this.counters.setRunning(this.pending.size() + ((this.running != null) ? 1 : 0));
		if (this.worker == null) {
			this.worker = new Thread(this::work, "keyspace-resync");
			this.worker.setDaemon(true);
			this.worker.start();
		}
		notifyAll();
	}

	private void stopPasses(ResyncRegistration registration) {
		this.pending.keySet().removeIf((key) -> key.registration() == registration);
		if (this.running != null && this.running.registration() == registration) {
			this.running.abandon();
		}
	}

	private void work() {
		Request request;
		while ((request = next()) != null) {
			ResyncRun run;
			synchronized (this) {
				run = this.running;
			}
			try {
				runPass(run);
			}
			catch (RuntimeException ex) {
				retryLater(request, run, ex);
			}
			finally {
				synchronized (this) {
					this.running = null;
					this.counters.setRunning(this.pending.size());
				}
			}
		}
	}

	/** The next request due, as the running pass; null once closed. */
	private synchronized Request next() {
		while (!this.closed) {
			long now = System.nanoTime();
			long wait = Long.MAX_VALUE;
			for (Iterator<Request> it = this.pending.values().iterator(); it.hasNext();) {
				Request request = it.next();
				if (request.notBefore() - now <= 0) {
					it.remove();
					this.running = new ResyncRun(request.registration(), request.target(), request.cause(),
							this.keyPrefix);
					return request;
				}
				wait = Math.min(wait, request.notBefore() - now);
			}
			try {
				if (wait == Long.MAX_VALUE) {
					wait();
				}
				else {
					TimeUnit.NANOSECONDS.timedWait(this, wait);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return null;
	}

	private void runPass(ResyncRun run) {
		ResyncRegistration registration = run.registration();
		if (!settled(run)) {
			restarted(run);
			return;
		}
		long start = System.nanoTime();
		run.progress(start);
		tell(registration.listener()::started, run, "started");
		registration.handler().record(run);
		boolean complete;
		try {
			complete = scan(run) && settled(run);
		}
		finally {
			registration.handler().record(null);
		}
		if (!complete) {
			restarted(run);
			return;
		}
		tell(registration.listener()::completed, run, "completed");
		long nanos = System.nanoTime() - start;
		this.counters.recordCompleted(run.keys(), nanos);
		if (nanos >= this.progressNanos) {
			logger.info("Resync of {} on {} completed: {} key(s) in {} ms", run, run.node(), run.keys(),
					TimeUnit.NANOSECONDS.toMillis(nanos));
		}
		else {
			logger.debug("Resync of {} on {} completed: {} key(s) in {} ms", run, run.node(), run.keys(),
					TimeUnit.NANOSECONDS.toMillis(nanos));
		}
	}

	private void restarted(ResyncRun run) {
		this.counters.recordRestarted(run.keys());
		logger.debug("Resync of {} on {} begins again", run, run.node());
		synchronized (this) {
			// Abandoned for a newer request, which is pending; given up for lane room, it is queued here.
			if (!this.closed && this.registrations.containsValue(run.registration())) {
				this.pending.putIfAbsent(new Pending(run.registration(), run.target().node()),
						new Request(run.registration(), run.target(), run.cause().orElse(null), 0, 0));
			}
		}
	}

	/** Again on whoever owns the node's keys by then: a node that cannot be scanned may have been replaced. */
	private void retryLater(Request request, ResyncRun run, RuntimeException failure) {
		this.counters.recordFailed(run.keys());
		Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(request.attempt(), 5));
		delay = (delay.compareTo(LAST_RETRY) > 0) ? LAST_RETRY : delay;
		logger.warn("Resync of {} on {} failed ({}); trying again in {} s", run, run.node(), failure.toString(),
				delay.toSeconds());
		List<ResyncTarget> owners = this.targets.afterGapOn(run.node());
		long notBefore = System.nanoTime() + delay.toNanos();
		synchronized (this) {
			if (!this.closed && this.registrations.containsValue(run.registration())) {
				for (ResyncTarget owner : owners) {
					this.pending.putIfAbsent(new Pending(run.registration(), owner.node()),
							new Request(run.registration(), owner, request.cause(), notBefore, request.attempt() + 1));
				}
			}
		}
	}

	/** Waits until the lanes handled everything queued so far; false if the pass was abandoned meanwhile. */
	private boolean settled(ResyncRun run) {
		BooleanSupplier checkpoint = this.dispatcher.checkpoint();
		while (!checkpoint.getAsBoolean()) {
			if (run.abandoned()) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return !run.abandoned();
	}

	/** Queues the node's keys as resync notifications; false if the pass was abandoned or refused. */
	private boolean scan(ResyncRun run) {
		List<KeyGlob> globs = run.registration().scope().globs();
		try (NodeKeys keys = this.scanner.open(run.target().node())) {
			for (int i = 0; i < globs.size() && !run.abandoned(); i++) {
				KeyGlob glob = globs.get(i);
				int index = i;
				Function<List<byte[]>, List<byte[]>> mine = (found) -> mine(run, glob.db(), index, found);
				if (glob.literal()) {
					byte[] key = glob.key();
					if (!mine.apply(List.of(key)).isEmpty() && keys.exists(glob.db(), key)
							&& !handOver(run, glob.db(), List.of(key))) {
						return false;
					}
					continue;
				}
				boolean[] queued = { true };
				keys.scan(glob.db(), glob.bytes(), this.settings.batchSize(), (page) -> {
					queued[0] = handOver(run, glob.db(), mine.apply(page));
					return queued[0] && !run.abandoned();
				});
				if (!queued[0]) {
					return false;
				}
			}
		}
		return !run.abandoned();
	}

	/** The keys of a page this pass covers: the target's, not found by an earlier glob of the scope. */
	private static List<byte[]> mine(ResyncRun run, int db, int glob, List<byte[]> found) {
		List<byte[]> mine = new ArrayList<>(found.size());
		for (byte[] key : found) {
			if (run.target().owns(key) && run.registration().scope().firstMatch(db, key) == glob) {
				mine.add(key);
			}
		}
		return mine;
	}

	private boolean handOver(ResyncRun run, int db, List<byte[]> keys) {
		if (keys.isEmpty() || run.abandoned()) {
			return !run.abandoned();
		}
		throttle(keys.size(), run);
		byte[] channelStart = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
		List<KeyNotification> notifications = new ArrayList<>(keys.size());
		for (byte[] key : keys) {
			byte[] channel = new byte[channelStart.length + key.length];
			System.arraycopy(channelStart, 0, channel, 0, channelStart.length);
			System.arraycopy(key, 0, channel, channelStart.length, key.length);
			KeyNotification notification = this.decoder.decode(channel, RESYNC, this.keyPrefix, null, run.node());
			if (notification != null) {
				notifications.add(notification);
			}
		}
		boolean queued = this.dispatcher.handOverPatiently(notifications, run.asHandlers(), run::abandoned);
		run.handedOver(notifications.size());
		long now = System.nanoTime();
		if (now - run.lastReport() >= this.progressNanos) {
			run.progress(now);
			logger.info("Resync of {} on {}: {} key(s) queued so far", run, run.node(), run.handedOver());
		}
		return queued;
	}

	/** Keeps all passes together under {@link ResyncSettings#keysPerSecond()}. */
	private void throttle(int keys, ResyncRun run) {
		if (this.settings.keysPerSecond() == 0) {
			return;
		}
		long now = System.nanoTime();
		this.nextFreeNanos = Math.max(this.nextFreeNanos, now) + keys * (TimeUnit.SECONDS.toNanos(1) / this.settings.keysPerSecond());
		long wait;
		while ((wait = this.nextFreeNanos - System.nanoTime()) > 0 && !run.abandoned()) {
			LockSupport.parkNanos(wait);
		}
	}

	private static void tell(Consumer<ResyncPass> phase, ResyncRun run, String name) {
		try {
			phase.accept(run);
		}
		catch (RuntimeException ex) {
			logger.warn("The resync listener of {} failed on {} for {}", run, name, run.node(), ex);
		}
	}

	/** Which pass a request is for: one handler on one node. */
	private record Pending(ResyncRegistration registration, RedisNode node) {
	}

	/** A pass to run no sooner than {@code notBefore} ({@link System#nanoTime()}, 0 for now). */
	private record Request(ResyncRegistration registration, ResyncTarget target, NotificationGap cause,
			long notBefore, int attempt) {
	}

}
