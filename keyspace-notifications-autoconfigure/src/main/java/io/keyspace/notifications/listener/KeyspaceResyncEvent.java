package io.keyspace.notifications.listener;

import java.util.Optional;

import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.ResyncPass;

import org.springframework.context.ApplicationEvent;

/**
 * Brackets one resync pass of an {@code @OnKeyEvent(resync = true)} handler on one node:
 * {@link Phase#STARTED} before its first {@code resync} call, {@link Phase#COMPLETED} after its
 * last one returned. A view kept by the handler becomes right again with the mirror pattern:
 * on {@code STARTED} mark the keys the pass {@linkplain #covers(String) covers}; on every call
 * of the handler (live or {@code resync}) unmark the key; on {@code COMPLETED} drop the keys
 * still marked, which no longer exist: every key that exists gets a call between the two, live
 * or {@code resync} (a resync call is skipped only for a live call that came after
 * {@code STARTED}). A pass interrupted by a new gap never completes; the
 * next {@code STARTED} of the same handler and node starts over.
 * <p>
 * Published on the library's resync thread, one pass at a time; the source is the listener
 * container.
 */
public class KeyspaceResyncEvent extends ApplicationEvent {

	private final String endpointId;

	private final ResyncPass pass;

	private final Phase phase;

	public KeyspaceResyncEvent(Object source, String endpointId, ResyncPass pass, Phase phase) {
		super(source);
		this.endpointId = endpointId;
		this.pass = pass;
		this.phase = phase;
	}

	/** The handler's id (its {@code @OnKeyEvent} id, or {@code BeanClass#method}). */
	public String endpointId() {
		return this.endpointId;
	}

	/** The node scanned, {@code host:port} as in {@code KeyNotification#node()}. */
	public String node() {
		return this.pass.node();
	}

	public Phase phase() {
		return this.phase;
	}

	/**
	 * Whether the pass covers a key (as the handler sees it, without the key prefix): it matches
	 * the handler's keys and lives on this node (in a cluster, in the slots the node owned when
	 * the pass started).
	 */
	public boolean covers(String key) {
		return this.pass.covers(key);
	}

	/** Resync calls handled so far in this pass: all of them at {@code COMPLETED}. */
	public long keys() {
		return this.pass.keys();
	}

	/** The gap that made the pass necessary; empty for the pass when the handler started. */
	public Optional<NotificationGap> cause() {
		return this.pass.cause();
	}

	@Override
	public String toString() {
		return "KeyspaceResyncEvent[" + this.endpointId + " " + this.phase + " on " + node() + "]";
	}

	/** Where a pass is. */
	public enum Phase {

		/** Before the first resync call of the pass. */
		STARTED,

		/** After the last resync call of the pass was handled. */
		COMPLETED

	}

}
