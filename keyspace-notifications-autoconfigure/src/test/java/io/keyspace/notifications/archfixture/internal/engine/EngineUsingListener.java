package io.keyspace.notifications.archfixture.internal.engine;

import io.keyspace.notifications.archfixture.Value;
import io.keyspace.notifications.archfixture.listener.Container;

/** Violation: the engine using the Spring layer. */
public final class EngineUsingListener {

	public Value next(Container container) {
		return container.next();
	}

}
