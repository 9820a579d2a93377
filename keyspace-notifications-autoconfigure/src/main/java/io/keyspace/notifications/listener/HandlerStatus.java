package io.keyspace.notifications.listener;

import java.util.List;

/**
 * What a listener container knows of the handlers registered under one id, for operators (the
 * {@code keyspacenotifications} Actuator endpoint).
 *
 * @param id the handler's id ({@code @OnKeyEvent(id = ...)}, else {@code BeanClass#method})
 * @param channels the channels subscribed on the server, as wire names
 * @param keys the key globs filtered in the client (a keyevent channel carries no key); empty: none
 * @param events the event globs filtered in the client (a keyspace channel carries no event);
 * empty: every event
 * @param group the group that handles each notification once across instances, or empty
 * @param resync whether its keys are resynced after every gap ({@code @OnKeyEvent(resync = true)})
 * @param running whether the handler is subscribed: its container runs and it is not stopped by id
 * @param delivered calls that returned (for a reactive method: that completed)
 * @param failed calls that threw (or signalled an error, or timed out)
 */
public record HandlerStatus(String id, List<String> channels, List<String> keys, List<String> events, String group,
		boolean resync, boolean running, long delivered, long failed) {

	public HandlerStatus {
		channels = List.copyOf(channels);
		keys = List.copyOf(keys);
		events = List.copyOf(events);
	}

}
