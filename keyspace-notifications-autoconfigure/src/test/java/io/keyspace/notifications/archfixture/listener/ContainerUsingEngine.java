package io.keyspace.notifications.archfixture.listener;

import io.keyspace.notifications.archfixture.Value;
import io.keyspace.notifications.archfixture.internal.engine.Engine;

/** Violation: the Spring layer going around the facades into the engine. */
public final class ContainerUsingEngine {

	public Value next(Engine engine) {
		return engine.next();
	}

}
