package io.keyspace.notifications.internal.match;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationSink;
import io.keyspace.notifications.internal.dispatch.Dispatcher;
import io.keyspace.notifications.internal.dispatch.NotificationCounters;
import io.keyspace.notifications.internal.dispatch.ThrottledLog;
import io.keyspace.notifications.internal.reader.MessageListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of one message on a reader thread: match (one hash lookup), parse (pure, on
 * bytes), filter (which handlers want it), then hand over to the dispatcher, the sinks or the
 * pull queue. Every message it accepts gets exactly one outcome in the counters per way it
 * goes: the handlers, each sink, the pull queue. Nothing here runs user code or throws.
 */
public final class NotificationRouter {

	private static final Logger logger = LoggerFactory.getLogger(NotificationRouter.class);

	private final SubscriptionRegistry registry;

	private final byte[] keyPrefix;

	private final Dispatcher dispatcher;

	private final BlockingQueue<KeyNotification> pullQueue;

	private final NotificationCounters counters;

	private final NotificationDecoder decoder;

	private final ThrottledLog malformedReport = new ThrottledLog(10, TimeUnit.SECONDS,
			(count) -> logger.warn("Skipped {} malformed keyspace notification(s); enable DEBUG for "
					+ "io.keyspace.notifications.internal.match.NotificationRouter to see them", count));

	private final ThrottledLog sinkOverflowReport = new ThrottledLog(10, TimeUnit.SECONDS,
			(count) -> logger.warn("Dropped {} notification(s) because a stream subscriber (such as a reactive Flux) "
					+ "requested less than Redis sent and its buffer was full; request more, or raise "
					+ "keyspace-notifications.reactive.buffer-size", count));

	private final ThrottledLog pullOverflowReport = new ThrottledLog(10, TimeUnit.SECONDS,
			(count) -> logger.warn("Dropped {} notification(s) of pull mode because its queue was full; "
					+ "call poll()/listen() faster or raise the pull queue capacity", count));

	public NotificationRouter(SubscriptionRegistry registry, byte[] keyPrefix, Dispatcher dispatcher,
			BlockingQueue<KeyNotification> pullQueue, NotificationCounters counters, NotificationDecoder decoder) {
		this.decoder = decoder;
		this.registry = registry;
		this.keyPrefix = keyPrefix;
		this.dispatcher = dispatcher;
		this.pullQueue = pullQueue;
		this.counters = counters;
	}

	/** A listener for the reader thread of one node, with its own dispatch batch. */
	public MessageListener newReaderListener(String node) {
		Dispatcher.Batch batch = this.dispatcher.newBatch(node);
		SubscriptionRegistry.Lookup lookup = this.registry.newLookup();
		List<NotificationSink> fed = new ArrayList<>();
		return new MessageListener() {

			@Override
			public void onMessage(String node, byte[] pattern, byte[] channel, byte[] message) {
				route(node, lookup.match(pattern, channel), channel, message, pattern, batch, fed);
			}

			@Override
			public void endOfBurst() {
				batch.flush();
				if (!fed.isEmpty()) {
					fed.forEach(NotificationRouter::wake);
					fed.clear();
				}
			}

		};
	}

	/** @param fed the sinks that took something in this burst, to wake at its end */
	private void route(String node, Subscription subscription, byte[] channel, byte[] message, byte[] pattern,
			Dispatcher.Batch batch, List<NotificationSink> fed) {
		if (subscription == null) {
			return; // unsubscribed while the message was on its way
		}
		KeyNotification notification = this.decoder.decode(channel, message, this.keyPrefix, pattern, node);
		if (notification == null) {
			skip(node, channel, message, subscription);
			return;
		}
		if (subscription.pull()) {
			this.counters.recordReceived();
			enqueueForPull(notification);
		}
		for (NotificationSink sink : subscription.sinks()) {
			offer(sink, notification, fed);
		}
		if (subscription.hasHandlers()) {
			KeyNotificationHandler[] wanted = subscription.handlersFor(notification);
			if (wanted.length > 0) {
				batch.add(notification, wanted); // counted as received when the batch is handed over
			}
			else {
				this.counters.recordReceived();
				this.counters.recordFiltered();
			}
		}
	}

	private void skip(String node, byte[] channel, byte[] message, Subscription subscription) {
		int ways = (subscription.pull() ? 1 : 0) + (subscription.hasHandlers() ? 1 : 0) + subscription.sinks().length;
		boolean outsidePrefix = this.keyPrefix.length > 0 && this.decoder.decode(channel, message, null, null, null) != null;
		for (int i = 0; i < ways; i++) {
			this.counters.recordReceived();
			if (outsidePrefix) {
				this.counters.recordFiltered();
			}
			else {
				this.counters.recordMalformed();
			}
		}
		if (outsidePrefix) {
			return;
		}
		this.malformedReport.record(1);
		if (logger.isDebugEnabled()) {
			logger.debug("Malformed notification from {} on channel '{}': '{}'", node,
					new String(channel, StandardCharsets.UTF_8), new String(message, StandardCharsets.UTF_8));
		}
	}

	private static void wake(NotificationSink sink) {
		try {
			sink.endOfBurst();
		}
		catch (RuntimeException ex) {
			logger.error("A notification sink failed at the end of a burst", ex);
		}
	}

	// What a sink refuses is counted and logged here; the gap is its owner's to report, as only
	// that consumer missed anything.
	private void offer(NotificationSink sink, KeyNotification notification, List<NotificationSink> fed) {
		this.counters.recordReceived();
		boolean taken;
		try {
			taken = sink.offer(notification);
		}
		catch (RuntimeException ex) {
			logger.error("A notification sink failed; the notification is counted as dropped", ex);
			taken = false;
		}
		if (taken) {
			this.counters.recordPulled();
			if (!fed.contains(sink)) {
				fed.add(sink);
			}
		}
		else {
			this.counters.recordSinkOverflow();
			this.sinkOverflowReport.record(1);
		}
	}

	// A full pull queue drops the new notification: what is in the queue was delivered already.
	private void enqueueForPull(KeyNotification notification) {
		if (this.pullQueue.offer(notification)) {
			this.counters.recordPulled();
		}
		else {
			this.counters.recordPullOverflow();
			this.pullOverflowReport.record(1);
		}
	}

}
