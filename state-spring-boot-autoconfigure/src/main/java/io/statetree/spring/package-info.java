/**
 * StateTree's Spring programming model: {@link io.statetree.spring.OnStateChange} listener
 * methods, {@link io.statetree.spring.Derived} methods, {@link io.statetree.spring.StateControllerCustomizer}
 * and the {@link io.statetree.spring.StateTreeAnnotationBeanPostProcessor} that wires them to the
 * {@link io.statetree.core.StateController}.
 */
@NullMarked
package io.statetree.spring;

import org.jspecify.annotations.NullMarked;
