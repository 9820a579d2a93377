package io.keyspace.notifications.archfixture.internal.engine;

import io.keyspace.notifications.archfixture.Facade;
import io.keyspace.notifications.archfixture.Value;

/** Violation: the engine calling back into a facade. */
public final class EngineUsingFacade {

	public Value next(Facade facade) {
		return facade.next();
	}

}
