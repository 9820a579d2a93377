package io.keyspace.notifications.archfixture;

import io.keyspace.notifications.archfixture.internal.engine.Engine;
import io.keyspace.notifications.archfixture.listener.Container;

/** Violation: a facade (it wires the engine) that also uses the Spring layer. */
public final class FacadeUsingListener {

	private final Engine engine = new Engine();

	public Value next() {
		return engine.next();
	}

	public Value viaSpring(Container container) {
		return container.next();
	}

}
