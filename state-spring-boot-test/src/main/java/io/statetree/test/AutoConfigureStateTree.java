package io.statetree.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.statetree.test.internal.StateTreeTestAutoConfiguration;
import io.statetree.test.internal.StateTreeTestBackendAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * On a Spring Boot test class ({@code @SpringBootTest} or a test slice): StateTree keeps its tree
 * in memory whatever the application configures ({@code statetree.backend}, mounts), a
 * {@link StateTreeTestEvents} bean records the events of the {@code StateController}, and after
 * every test method the tree is put back as it was before the first test method ran (initial
 * state and derived values included) and the recorded events are forgotten. Listeners,
 * derivations and the rest of the context stay, as Spring caches the context between test
 * classes.
 * <p>
 * With {@code statetree.listeners.dispatch=async}, events of a test's last writes may still be
 * delivered, and recorded, after the reset: await what a test expects before it ends.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration({ StateTreeTestBackendAutoConfiguration.class, StateTreeTestAutoConfiguration.class })
public @interface AutoConfigureStateTree {

}
