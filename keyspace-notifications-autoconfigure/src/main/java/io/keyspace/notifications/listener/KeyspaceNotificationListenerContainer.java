package io.keyspace.notifications.listener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.keyspace.notifications.FilteredHandler;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.ResyncListener;
import io.keyspace.notifications.ResyncPass;
import io.keyspace.notifications.channel.NotificationChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Owns the subscriptions of all registered handlers. Reading starts when the application
 * context has been refreshed (so no handler is called on a half-built context) and stops
 * first on shutdown.
 * <p>
 * While running, the container keeps the JVM alive with one non-daemon thread of its own
 * (the library's reader and handler threads are daemons), so that an application whose only
 * work is handling notifications does not exit after startup; nothing else is needed, in
 * particular not {@code spring.main.keep-alive}.
 * <p>
 * When the application context closes, the container closes its {@link KeyspaceNotifications}
 * during its own lifecycle phase: running and queued handlers finish within the dispatch
 * shutdown timeout before any bean is destroyed, and the shutdown phase's timeout applies.
 * A plain {@link #stop()} (e.g. {@code context.stop()}) only unsubscribes, so the container
 * can be started again. It unsubscribes each handler from its own channels only: a channel
 * that application code subscribed on the same {@link KeyspaceNotifications} stays.
 * <p>
 * {@link #start()} subscribes the handlers without a group or resync together, up to
 * a thousand per {@link KeyspaceNotifications#subscribeAll} call: each keeps
 * its own subscription (its handler, its id), but thousands of them start in a few round
 * trips instead of one each.
 * <p>
 * Handlers can be stopped and started one at a time by their id ({@link #stop(String)},
 * {@link #start(String)}), like Spring Kafka's {@code KafkaListenerEndpointRegistry}; with
 * {@link #setAutoStartup(boolean) auto-startup} off the application starts without
 * subscribing and {@link #start()} subscribes later.
 * <p>
 * A handler with a {@linkplain KeyEventEndpoint#group() group} is subscribed with the
 * {@link NotificationGroups} given to {@link #setNotificationGroups(Supplier)}, so that each
 * notification is handled once across the application's instances. It starts and stops with
 * the container and by id like any handler: stopped, it handles nothing more here (no call runs
 * or starts once the stop returns) while this instance goes on forwarding, so its entries wait
 * in the stream or other instances handle them; started again, it first handles what it had
 * taken but not acknowledged. On shutdown the groups are closed before the notifications,
 * handing their forwarding over to another instance.
 */
public class KeyspaceNotificationListenerContainer
		implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

	private static final Logger logger = LoggerFactory.getLogger(KeyspaceNotificationListenerContainer.class);

	/** How many handlers {@link #start()} subscribes with one {@code subscribeAll} call at most. */
	static final int SUBSCRIBED_TOGETHER = 1000;

	private final KeyspaceNotifications notifications;

	private final List<KeyEventEndpoint> endpoints = new CopyOnWriteArrayList<>();

	// Held by start, stop, register and stop/start by id, while they subscribe, unsubscribe and
	// leave groups (network I/O, waits for a group's threads): only those wait on it. Whether
	// the container or a handler runs is read without it.
	private final ReentrantLock lifecycle = new ReentrantLock();

	// Guarded by lifecycle, but for available() and current(), which read without it.
	private final GroupSubscriptions groups = new GroupSubscriptions();

	private final Set<String> stoppedIds = ConcurrentHashMap.newKeySet(); // written under lifecycle

	private final Map<String, CountedHandler.Counts> counts = new ConcurrentHashMap<>(); // by id

	private HandlerDecorator decorator; // guarded by lifecycle; null: handlers are called as registered

	private boolean autoStartup = true;

	private ApplicationContext applicationContext;

	private volatile boolean contextClosing;

	private volatile boolean running;

	private KeepAliveThread keepAlive; // guarded by lifecycle; non-null while running

	public KeyspaceNotificationListenerContainer(KeyspaceNotifications notifications) {
		this.notifications = notifications;
	}

	/**
	 * Where handlers with a group are subscribed. Asked only when the first of them is, so
	 * that a lazy {@link NotificationGroups} bean (the auto-configured one is) is not created,
	 * and opens no Redis connection, in an application without group handlers.
	 */
	public void setNotificationGroups(Supplier<NotificationGroups> groups) {
		this.lifecycle.lock();
		try {
			this.groups.setSource(groups);
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/**
	 * Decorates every handler as it is registered, group handlers included: to run code around
	 * each call, such as setting an MDC value. Applied once per handler, so it costs nothing per
	 * notification but what the decorated handler does.
	 * @throws IllegalStateException if handlers were registered already: they would stay undecorated
	 */
	public void setHandlerDecorator(HandlerDecorator decorator) {
		this.lifecycle.lock();
		try {
			if (!this.endpoints.isEmpty()) {
				throw new IllegalStateException("Set the handler decorator before registering handlers; "
						+ endpointIds() + " are registered already");
			}
			this.decorator = decorator;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** Whether handlers with a group can be registered: {@link #setNotificationGroups} was called. */
	public boolean supportsGroups() {
		return this.groups.available();
	}

	/**
	 * The {@link NotificationGroups} the handlers with a group run in, once the first of them
	 * was subscribed; empty before. Asks nothing of {@link #setNotificationGroups}' supplier,
	 * so a lazy bean is not created for a health check or an endpoint that looks. Without the
	 * lifecycle lock.
	 */
	public Optional<NotificationGroups> notificationGroups() {
		return Optional.ofNullable(this.groups.current());
	}

	/**
	 * Adds a handler, decorated by the {@link #setHandlerDecorator handler decorator} if there is
	 * one; subscribed at once if the container is running (and its id is not stopped), else on
	 * {@link #start()}. Its calls are counted under its id ({@link #status}).
	 */
	public void register(KeyEventEndpoint endpoint) {
		CountedHandler.Counts idCounts = this.counts.computeIfAbsent(endpoint.id(), (id) -> new CountedHandler.Counts());
		this.lifecycle.lock();
		try {
			KeyEventEndpoint decorated = (this.decorator != null) ? endpoint.decoratedBy(this.decorator) : endpoint;
			KeyEventEndpoint registered = decorated.wrapped((handler) -> new CountedHandler(handler, idCounts));
			this.endpoints.add(registered);
			if (this.running && !this.stoppedIds.contains(registered.id())) {
				subscribe(registered);
			}
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	public List<KeyEventEndpoint> endpoints() {
		return List.copyOf(this.endpoints);
	}

	/** The ids of the registered handlers, in registration order. */
	public Set<String> endpointIds() {
		Set<String> ids = new LinkedHashSet<>();
		this.endpoints.forEach((endpoint) -> ids.add(endpoint.id()));
		return ids;
	}

	/**
	 * Stops the handlers with this id (every {@code @OnKeyEvent} that shares it): they are
	 * unsubscribed now, stay stopped across {@link #stop()} and {@link #start()}, and a channel
	 * goes from the server only when no other handler uses it. Notifications already queued
	 * for them may still arrive. A handler with a group pauses (its entries wait in the stream;
	 * forwarding goes on); this returns when no call of the handler runs anymore.
	 * @throws IllegalArgumentException if no handler has this id
	 */
	public void stop(String id) {
		this.lifecycle.lock();
		try {
			List<KeyEventEndpoint> matching = endpointsWithId(id);
			if (!this.stoppedIds.add(id)) {
				return;
			}
			if (this.running) {
				matching.stream().filter((endpoint) -> !endpoint.grouped()).forEach(this::unsubscribe);
			}
			this.groups.pause(matching);
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/**
	 * Starts the handlers with this id again after {@link #stop(String)}: they are subscribed
	 * now if the container is running, else with the next {@link #start()}.
	 * @throws IllegalArgumentException if no handler has this id
	 */
	public void start(String id) {
		this.lifecycle.lock();
		try {
			List<KeyEventEndpoint> matching = endpointsWithId(id);
			if (this.stoppedIds.contains(id) && this.running) {
				matching.forEach(this::subscribe);
			}
			this.stoppedIds.remove(id);
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/**
	 * The handlers registered under this id, merged: their channels and client-side filters,
	 * whether they run, and how their calls went.
	 * @throws IllegalArgumentException if no handler has this id
	 */
	public HandlerStatus status(String id) {
		List<KeyEventEndpoint> matching = endpointsWithId(id);
		Set<String> channels = new LinkedHashSet<>();
		Set<String> keys = new LinkedHashSet<>();
		Set<String> events = new LinkedHashSet<>();
		for (KeyEventEndpoint endpoint : matching) {
			endpoint.channels().forEach((channel) -> channels.add(channel.toString()));
			if (endpoint.handler() instanceof FilteredHandler filtered) {
				keys.addAll(filtered.filter().keyGlobs());
				events.addAll(filtered.filter().eventGlobs());
			}
		}
		CountedHandler.Counts idCounts = this.counts.get(id);
		return new HandlerStatus(id, List.copyOf(channels), List.copyOf(keys), List.copyOf(events),
				matching.get(0).group(), matching.stream().anyMatch(KeyEventEndpoint::resync), isRunning(id),
				idCounts.delivered(), idCounts.failed());
	}

	/** {@link #status} of every id, in registration order. */
	public List<HandlerStatus> statuses() {
		return endpointIds().stream().map(this::status).toList();
	}

	/** Whether the handlers with this id are subscribed: the container runs and the id is not stopped. */
	public boolean isRunning(String id) {
		endpointsWithId(id);
		return this.running && !this.stoppedIds.contains(id);
	}

	/** Whether {@link #start()} runs when the application context is refreshed; default {@code true}. */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public KeyspaceNotifications notifications() {
		return this.notifications;
	}

	/**
	 * Which node of each shard the notifications are read from, so that a handler can be told
	 * it waits for an event that node never publishes ({@link ReadFrom#deliversExpiries()}):
	 * {@link KeyspaceNotifications#readFrom()}.
	 */
	public ReadFrom readFrom() {
		return this.notifications.readFrom();
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	/**
	 * Published before the lifecycle beans are stopped, and only when the context closes:
	 * that is how {@link #stop(Runnable)} tells a shutdown from a {@code context.stop()}.
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		// A child context's event reaches the parent's listeners too; only our own counts.
		if (event.getApplicationContext() == this.applicationContext) {
			this.contextClosing = true;
			if (!this.running) {
				// The lifecycle processor stops only running beans: a container stopped before
				// closes its groups now, before beans are destroyed.
				closeGroups();
			}
		}
	}

	@Override
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.running) {
				return;
			}
			List<KeyEventEndpoint> plain = new ArrayList<>();
			for (KeyEventEndpoint endpoint : this.endpoints) {
				if (this.stoppedIds.contains(endpoint.id())) {
					continue;
				}
				if (endpoint.grouped() || endpoint.resync()) {
					subscribeTogether(plain);
					plain.clear();
					subscribe(endpoint);
				}
				else {
					plain.add(endpoint);
				}
			}
			subscribeTogether(plain);
			this.keepAlive = new KeepAliveThread();
			this.keepAlive.start();
			this.running = true;
			if (this.groups.size() > 0) {
				logger.info("Listening for keyspace notifications with {} handler(s), {} of them in a group, on {}",
						this.endpoints.size(), this.groups.size(), this.notifications);
			}
			else {
				logger.info("Listening for keyspace notifications with {} handler(s) on {}", this.endpoints.size(),
						this.notifications);
			}
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	@Override
	public void stop() {
		stop(() -> {
		}, false);
	}

	/**
	 * On shutdown, closes the notifications (draining the handlers) on the container's own
	 * thread and reports back through {@code callback}, so the lifecycle processor can stop
	 * other beans of the same phase meanwhile and bounds the wait by the phase's timeout.
	 */
	@Override
	public void stop(Runnable callback) {
		stop(callback, true);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public String toString() {
		return "KeyspaceNotificationListenerContainer[" + this.endpoints.size() + " handler(s) on "
				+ this.notifications + (this.running ? ", running" : "") + "]";
	}

	private void stop(Runnable callback, boolean async) {
		KeepAliveThread thread;
		this.lifecycle.lock();
		try {
			if (!this.running) {
				callback.run();
				return;
			}
			this.running = false;
			thread = this.keepAlive;
			this.keepAlive = null;
			if (!this.contextClosing) {
				this.endpoints.stream()
					.filter((e) -> !e.grouped() && !this.stoppedIds.contains(e.id()))
					.forEach(this::unsubscribe);
				this.groups.pauseAll();
			}
		}
		finally {
			this.lifecycle.unlock();
		}
		// On shutdown the groups are closed as a whole, before the notifications.
		if (this.contextClosing && async) {
			// Draining may take up to the dispatch shutdown timeout: not on the caller's thread.
			thread.endWith(() -> {
				try {
					closeNotifications();
				}
				finally {
					callback.run();
				}
			});
			return;
		}
		if (this.contextClosing) {
			closeNotifications();
		}
		thread.endWith(() -> {
		});
		callback.run();
	}

	/** The groups first: they hand their leases over while the notifications still deliver. */
	private void closeNotifications() {
		closeGroups();
		try {
			this.notifications.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing {} on shutdown failed", this.notifications, ex);
		}
	}

	/** Outside the lifecycle lock: closing waits for the groups' threads, which call handlers. */
	private void closeGroups() {
		NotificationGroups closing;
		this.lifecycle.lock();
		try {
			closing = this.groups.release();
		}
		finally {
			this.lifecycle.unlock();
		}
		if (closing != null) {
			try {
				closing.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Closing the notification groups on shutdown failed", ex);
			}
		}
	}

	private List<KeyEventEndpoint> endpointsWithId(String id) {
		List<KeyEventEndpoint> matching = this.endpoints.stream().filter((e) -> e.id().equals(id)).toList();
		if (matching.isEmpty()) {
			throw new IllegalArgumentException(
					"No @OnKeyEvent handler has the id '" + id + "'; the ids are " + endpointIds());
		}
		return matching;
	}

	/** Publishes each pass of a resynced handler as {@link KeyspaceResyncEvent}s. */
	private ResyncListener resyncEvents(String id) {
		return new ResyncListener() {

			@Override
			public void started(ResyncPass pass) {
				publish(new KeyspaceResyncEvent(KeyspaceNotificationListenerContainer.this, id, pass,
						KeyspaceResyncEvent.Phase.STARTED));
			}

			@Override
			public void completed(ResyncPass pass) {
				publish(new KeyspaceResyncEvent(KeyspaceNotificationListenerContainer.this, id, pass,
						KeyspaceResyncEvent.Phase.COMPLETED));
			}

		};
	}

	private void publish(KeyspaceResyncEvent event) {
		if (this.applicationContext != null) {
			this.applicationContext.publishEvent(event);
		}
	}

	/** Only this handler leaves its channels; other handlers and application code keep theirs. */
	private void unsubscribe(KeyEventEndpoint endpoint) {
		try {
			this.notifications.unsubscribe(endpoint.handler(), endpoint.channels().toArray(new NotificationChannel[0]));
		}
		catch (RuntimeException ex) {
			logger.warn("Unsubscribing @OnKeyEvent handler {} from {} failed", endpoint.id(), endpoint.channels(), ex);
		}
	}

	/**
	 * Subscribes endpoints without a group or resync with a
	 * {@link KeyspaceNotifications#subscribeAll} call per {@link #SUBSCRIBED_TOGETHER}, so
	 * thousands of them cost a few round trips, not one each, and no wait for confirmations
	 * gets longer than that many take. A channel refused before anything of a call was
	 * subscribed is looked for one endpoint at a time, as without the batch, so the failure
	 * names its handler.
	 */
	private void subscribeTogether(List<KeyEventEndpoint> plain) {
		for (int from = 0; from < plain.size(); from += SUBSCRIBED_TOGETHER) {
			List<KeyEventEndpoint> together = plain.subList(from, Math.min(plain.size(), from + SUBSCRIBED_TOGETHER));
			Map<KeyNotificationHandler, List<NotificationChannel>> byHandler = new LinkedHashMap<>();
			for (KeyEventEndpoint endpoint : together) {
				byHandler.put(endpoint.handler(), endpoint.channels());
			}
			if (together.size() < 2 || byHandler.size() < together.size()) {
				together.forEach(this::subscribe); // one, or a handler shared: a map holds it once
				continue;
			}
			try {
				this.notifications.subscribeAll(byHandler);
			}
			catch (IllegalArgumentException ex) {
				// Nothing of the call was subscribed: one at a time, the endpoints before the
				// refused one are subscribed and the refused one's failure names it.
				together.forEach(this::subscribe);
			}
		}
	}

	private void subscribe(KeyEventEndpoint endpoint) {
		if (endpoint.grouped()) {
			this.groups.subscribe(endpoint);
			return;
		}
		try {
			NotificationChannel[] channels = endpoint.channels().toArray(new NotificationChannel[0]);
			if (endpoint.resync()) {
				this.notifications.subscribeResynced(endpoint.handler(), resyncEvents(endpoint.id()), channels);
			}
			else {
				this.notifications.subscribe(endpoint.handler(), channels);
			}
		}
		catch (IllegalArgumentException ex) {
			throw new KeyspaceNotificationsException("Cannot subscribe @OnKeyEvent handler " + endpoint.id() + " to "
					+ endpoint.channels() + ": " + ex.getMessage(), ex);
		}
	}

}
