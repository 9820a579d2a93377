package io.keyspace.notifications.testing;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.ResyncListener;
import io.keyspace.notifications.ResyncPass;

/**
 * A local copy of which keys exist, kept the way the docs' mirror pattern says: a key is added
 * by {@code set} and {@code resync}, removed by {@code del}; on a pass's {@code started} the keys
 * it covers are marked, every notification unmarks its key, and on {@code completed} the keys
 * still marked are dropped. Also records every pass it was told of.
 */
public final class KeyMirror implements KeyNotificationHandler, ResyncListener {

	private final Set<String> keys = ConcurrentHashMap.newKeySet();

	private final Set<String> unseen = ConcurrentHashMap.newKeySet();

	private final List<String> phases = new CopyOnWriteArrayList<>();

	private final List<ResyncPass> completed = new CopyOnWriteArrayList<>();

	private final List<KeyNotification> resyncs = new CopyOnWriteArrayList<>();

	@Override
	public void onNotification(KeyNotification notification) {
		this.unseen.remove(notification.key());
		switch (notification.event()) {
			case EventType.SET, EventType.RESYNC -> this.keys.add(notification.key());
			case EventType.DEL, EventType.EXPIRED -> this.keys.remove(notification.key());
			default -> {
			}
		}
		if (EventType.RESYNC.equals(notification.event())) {
			this.resyncs.add(notification);
		}
	}

	@Override
	public void started(ResyncPass pass) {
		this.phases.add("started " + pass.node());
		this.keys.stream().filter(pass::covers).forEach(this.unseen::add);
	}

	@Override
	public void completed(ResyncPass pass) {
		this.phases.add("completed " + pass.node());
		this.unseen.stream().filter(pass::covers).forEach((key) -> {
			this.keys.remove(key);
			this.unseen.remove(key);
		});
		this.completed.add(pass);
	}

	/** The keys the mirror holds, sorted. */
	public Set<String> keys() {
		return new TreeSet<>(this.keys);
	}

	/** "started host:port" and "completed host:port", in the order the listener was called. */
	public List<String> phases() {
		return List.copyOf(this.phases);
	}

	public List<ResyncPass> completedPasses() {
		return List.copyOf(this.completed);
	}

	/** Every resync notification handled, in order. */
	public List<KeyNotification> resyncs() {
		return List.copyOf(this.resyncs);
	}

}
