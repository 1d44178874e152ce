//! Streams and futures as host functions see them: a readable end the
//! guest passes (lifted out of its table) or the host gives (lowered into
//! it), and the host's writers. A host reads a stream through a [`Sink`],
//! writes one through a [`Source`], and resolves a future with its value.

use super::channel::{Sink, Source, Value, HOST};
use super::{AsyncKind, Concurrency};
use crate::component::abi::{Cx, Lift, Lower, Typed};
use crate::component::handles::ResourceKind;
use crate::component::ComponentState;
use crate::traps::Trap;
use std::any::Any;
use std::marker::PhantomData;

/// The readable end of a stream of `T`, held by the host. Dropped, it
/// tells the writer its reader is gone.
pub struct StreamReader<T> {
    channel: u32,
    state: *mut ComponentState,
    _t: PhantomData<fn() -> T>,
}

/// The readable end of a future of `T`, held by the host.
pub struct FutureReader<T> {
    channel: u32,
    state: *mut ComponentState,
    _t: PhantomData<fn() -> T>,
}

/// The channel number of a reader that was given away.
const GIVEN: u32 = u32::MAX;

macro_rules! reader_drop {
    ($ty:ident) => {
        impl<T> $ty<T> {
            /// The channel, which this reader no longer answers for.
            fn give(mut self) -> u32 {
                std::mem::replace(&mut self.channel, GIVEN)
            }
        }

        impl<T> Drop for $ty<T> {
            fn drop(&mut self) {
                if self.channel != GIVEN {
                    // SAFETY: as `concurrency`: the host drops its reader
                    // during a call of the instance, or with its state.
                    let c = unsafe { &mut (*self.state).concurrency };
                    c.drop_host_reader(self.channel);
                }
            }
        }
    };
}

reader_drop!(StreamReader);
reader_drop!(FutureReader);

/// The host's writable end of a stream: it writes through a [`Source`].
pub struct StreamWriter<T> {
    channel: u32,
    _t: PhantomData<fn() -> T>,
}

/// The host's writable end of a future: it writes the value once.
pub struct FutureWriter<T> {
    channel: u32,
    state: *mut ComponentState,
    _t: PhantomData<fn() -> T>,
}

fn concurrency<'a>(cx: &mut Cx<'a>) -> &'a mut Concurrency {
    // SAFETY: the state outlives calls into its instances, and a host
    // function is the only code using it while it runs.
    unsafe { &mut (*cx.ctx.reach().state).concurrency }
}

impl Cx<'_> {
    /// The component's async state, for the calls that take it.
    pub fn concurrency(&mut self) -> &mut Concurrency {
        concurrency(self)
    }

    /// A new stream of `T`, both ends the host's.
    pub fn stream<T: Typed>(&mut self) -> (StreamReader<T>, StreamWriter<T>) {
        let c = concurrency(self).host_channel((T::SIZE, T::ALIGN), false);
        (
            StreamReader {
                channel: c,
                state: self.ctx.reach().state,
                _t: PhantomData,
            },
            StreamWriter {
                channel: c,
                _t: PhantomData,
            },
        )
    }

    /// A new future of `T`, both ends the host's.
    pub fn future<T: Typed>(&mut self) -> (FutureReader<T>, FutureWriter<T>) {
        let c = concurrency(self).host_channel((T::SIZE, T::ALIGN), true);
        (
            FutureReader {
                channel: c,
                state: self.ctx.reach().state,
                _t: PhantomData,
            },
            FutureWriter {
                channel: c,
                state: self.ctx.reach().state,
                _t: PhantomData,
            },
        )
    }
}

impl<T> StreamReader<T> {
    /// Read the stream into `sink` from now on.
    pub fn sink(self, cx: &mut Cx, sink: Box<dyn Sink>) {
        concurrency(cx).attach_sink(self.give(), sink)
    }

    /// As `sink`, with the component's async state at hand.
    pub fn sink_in(self, c: &mut Concurrency, sink: Box<dyn Sink>) {
        c.attach_sink(self.give(), sink)
    }

    /// What writes this stream, if the host does, through an `S` that
    /// `wanted` accepts, and no read is under way: a stream the host made
    /// that the guest handed back. The host then reads from the source
    /// itself, rather than through the stream.
    pub fn take_host_source<S: Source>(
        &self,
        c: &mut Concurrency,
        wanted: impl FnOnce(&S) -> bool,
    ) -> Option<Box<S>> {
        c.take_source(self.channel, wanted)
    }
}

impl<T> FutureWriter<T> {
    /// Whether this writes the future `reader` reads.
    pub fn writes(&self, reader: &FutureReader<T>) -> bool {
        self.channel == reader.channel
    }
}

impl<T: Lift + 'static> FutureReader<T> {
    /// When the guest writes the future, `then` takes its value, with the
    /// component's async state at hand; `None` if the writer went without
    /// writing. If the instance ends first, `then` is dropped uncalled.
    pub fn then_in(self, c: &mut Concurrency, then: Box<dyn FnOnce(&mut Concurrency, Option<T>)>) {
        let sink = Then { value: None, then };
        c.attach_sink(self.give(), Box::new(sink))
    }
}

/// The sink of a future the host reads: its value lifted when written.
struct Then<T> {
    value: Option<T>,
    then: Box<dyn FnOnce(&mut Concurrency, Option<T>)>,
}

impl<T: Lift + 'static> Sink for Then<T> {
    fn write(&mut self, _: &[u8]) -> bool {
        unreachable!("a future's value is lifted by `write_value`")
    }

    fn write_value(&mut self, cx: &mut Cx, ptr: u32, _size: u32) -> Result<(), Trap> {
        self.value = Some(T::load(cx, ptr)?);
        Ok(())
    }

    fn take_value(&mut self, value: Box<dyn Any>) -> Result<(), Box<dyn Any>> {
        self.value = Some(*value.downcast::<T>()?);
        Ok(())
    }

    fn close(self: Box<Self>, c: &mut Concurrency) {
        (self.then)(c, self.value)
    }
}

impl<T> StreamWriter<T> {
    /// Write the stream from `source`: each read the guest makes takes
    /// from it.
    pub fn source(self, cx: &mut Cx, source: Box<dyn Source>) {
        concurrency(cx).channel(self.channel).source = Some(source);
    }
}

impl<T: Lower + 'static> FutureWriter<T> {
    /// Write the future's value.
    pub fn write(self, value: T) -> Result<(), Trap> {
        // SAFETY: as `concurrency`: the state outlives its instances'
        // calls, during one of which the host writes.
        let c = unsafe { &mut (*self.state).concurrency };
        self.write_in(c, value)
    }

    /// Write the value with `c` at hand, from a [`Sink`]'s `close`.
    pub fn write_in(mut self, c: &mut Concurrency, value: T) -> Result<(), Trap> {
        fn lower<T: Lower + 'static>(
            value: Box<dyn Any>,
            cx: &mut Cx,
            ptr: u32,
        ) -> Result<(), Trap> {
            let value = *value.downcast::<T>().expect("the writer's own type");
            cx.range(ptr, T::SIZE as u64, T::ALIGN, crate::traps::Region::Return)?;
            value.store(cx, ptr)
        }
        let value = Value {
            typed: Box::new(value),
            lower: lower::<T>,
        };
        c.resolve(std::mem::replace(&mut self.channel, GIVEN), value)
    }
}

impl<T> Drop for FutureWriter<T> {
    /// Dropped unwritten, the future ends: its reader learns the writer
    /// is gone.
    fn drop(&mut self) {
        if self.channel != GIVEN {
            // SAFETY: as `concurrency`.
            let c = unsafe { &mut (*self.state).concurrency };
            c.drop_host_writer(self.channel);
        }
    }
}

impl Concurrency {
    /// A channel with both ends the host's, its elements of `elem` size
    /// and alignment.
    fn host_channel(&mut self, elem: (u32, u32), future: bool) -> u32 {
        let (r, w) = self.new_channel(elem, true, future);
        let ch_of = |c: &mut Concurrency, id: u32| match c.object(id) {
            super::Object::End { channel, .. } => *channel,
            _ => unreachable!("a new end"),
        };
        let c = ch_of(self, r);
        self.remove(r);
        self.remove(w);
        let ch = self.channel(c);
        ch.readable = Some(HOST);
        ch.writable = Some(HOST);
        c
    }

    /// Take the guest's readable end `h` (of instance `instance`) for the
    /// host: its channel, checked to carry `T`.
    fn take_readable(
        &mut self,
        cx: &mut Cx,
        h: u32,
        future: bool,
        elem: (u32, u32),
    ) -> Result<u32, Trap> {
        let ctx = cx.ctx;
        // SAFETY: as `concurrency`.
        let tables = unsafe { &mut (*ctx.reach().state).tables };
        let slot = *tables.tables[ctx.instance as usize].get(h)?;
        let ResourceKind::Async(AsyncKind::Readable { future: f, .. }) = slot.kind else {
            return Err(super::trap(match future {
                true => "handle is not a future",
                false => "handle is not a stream",
            }));
        };
        let id = slot.rep;
        let (c, in_set) = match self.object(id) {
            super::Object::End {
                channel, waitable, ..
            } => (*channel, waitable.set.is_some()),
            _ => unreachable!("a readable end"),
        };
        if f != future || self.channel(c).elem != elem {
            return Err(super::trap(match future {
                true => "handle is a future of a different type",
                false => "handle is a stream of a different type",
            }));
        }
        if in_set {
            return Err(super::trap(match future {
                true => "cannot lift future while it's in a waitable set",
                false => "cannot lift stream while it's in a waitable set",
            }));
        }
        if self.channel(c).read.op.is_some() {
            return Err(super::trap(match future {
                true => "cannot remove busy future",
                false => "cannot remove busy stream",
            }));
        }
        tables.drop_handle(ctx.instance, h, slot.kind)?;
        self.remove(id);
        self.channel(c).readable = Some(HOST);
        Ok(c)
    }

    /// Give the host's readable end of channel `c` to the calling
    /// instance: its handle there.
    fn give_readable(&mut self, cx: &mut Cx, c: u32, future: bool) -> u32 {
        let ctx = cx.ctx;
        let id = self.insert(super::Object::End {
            waitable: Default::default(),
            channel: c,
            readable: true,
            handle: 0,
            instance: ctx.instance,
        });
        self.channel(c).readable = Some(id);
        // SAFETY: as `concurrency`.
        let tables = unsafe { &mut (*ctx.reach().state).tables };
        // The host does not know the component's number for the type;
        // the guest's built-ins check the elements instead.
        let kind = AsyncKind::Readable {
            ty: super::ANY_TYPE,
            future,
        };
        let h = tables.tables[ctx.instance as usize].new_own(kind.as_resource(), id);
        self.place(id, h, ctx.instance);
        h
    }
}

macro_rules! readable_end {
    ($ty:ident, $future:expr) => {
        impl<T> Typed for $ty<T> {
            const SIZE: u32 = 4;
            const ALIGN: u32 = 4;
            const FLAT: usize = 1;
        }

        impl<T: Typed> Lift for $ty<T> {
            fn lift_flat(cx: &mut Cx, flat: &[u64]) -> Result<Self, Trap> {
                let elem = (T::SIZE, T::ALIGN);
                let channel = concurrency(cx).take_readable(cx, flat[0] as u32, $future, elem)?;
                Ok($ty {
                    channel,
                    state: cx.ctx.reach().state,
                    _t: PhantomData,
                })
            }
            fn load(cx: &mut Cx, ptr: u32) -> Result<Self, Trap> {
                let h = u32::load(cx, ptr)?;
                Self::lift_flat(cx, &[h as u64])
            }
        }

        impl<T> Lower for $ty<T> {
            fn lower_flat(self, cx: &mut Cx, flat: &mut [u64]) -> Result<(), Trap> {
                flat[0] = concurrency(cx).give_readable(cx, self.give(), $future) as u64;
                Ok(())
            }
            fn store(self, cx: &mut Cx, ptr: u32) -> Result<(), Trap> {
                let h = concurrency(cx).give_readable(cx, self.give(), $future);
                h.store(cx, ptr)
            }
        }
    };
}

readable_end!(StreamReader, false);
readable_end!(FutureReader, true);

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    fn state() -> Box<ComponentState> {
        Box::new(ComponentState {
            tables: Default::default(),
            concurrency: Concurrency::default(),
            host: None,
        })
    }

    /// A future of `u32` with both ends the host's.
    fn host_future(s: &mut ComponentState) -> (FutureReader<u32>, FutureWriter<u32>) {
        let c = s.concurrency.host_channel((4, 4), true);
        let state: *mut ComponentState = s;
        let reader = FutureReader {
            channel: c,
            state,
            _t: PhantomData,
        };
        let writer = FutureWriter {
            channel: c,
            state,
            _t: PhantomData,
        };
        (reader, writer)
    }

    /// A `then` that records what it was given.
    type Got = Rc<Cell<Option<Option<u32>>>>;
    fn recorder() -> (Got, Box<dyn FnOnce(&mut Concurrency, Option<u32>)>) {
        let got: Got = Rc::new(Cell::new(None));
        let to = got.clone();
        (got, Box::new(move |_, v| to.set(Some(v))))
    }

    fn live_channels(s: &ComponentState) -> usize {
        s.concurrency.channels.iter().flatten().count()
    }

    #[test]
    fn a_future_the_host_writes_and_reads_passes_its_value_in_either_order() {
        for write_first in [true, false] {
            let mut s = state();
            let (reader, writer) = host_future(&mut s);
            let (got, then) = recorder();
            if write_first {
                writer.write_in(&mut s.concurrency, 7).unwrap();
                assert_eq!(got.get(), None);
                reader.then_in(&mut s.concurrency, then);
            } else {
                reader.then_in(&mut s.concurrency, then);
                assert_eq!(got.get(), None);
                writer.write_in(&mut s.concurrency, 7).unwrap();
            }
            assert_eq!(got.get(), Some(Some(7)), "written first: {write_first}");
            assert_eq!(live_channels(&s), 0, "the channel is freed");
        }
    }

    #[test]
    fn a_host_future_dropped_unwritten_tells_the_host_reader() {
        for drop_first in [true, false] {
            let mut s = state();
            let (reader, writer) = host_future(&mut s);
            let (got, then) = recorder();
            if drop_first {
                drop(writer);
                reader.then_in(&mut s.concurrency, then);
            } else {
                reader.then_in(&mut s.concurrency, then);
                drop(writer);
            }
            assert_eq!(got.get(), Some(None), "dropped first: {drop_first}");
            assert_eq!(live_channels(&s), 0, "the channel is freed");
        }
    }

    #[test]
    fn a_host_future_written_and_never_read_is_freed_with_its_reader() {
        let mut s = state();
        let (reader, writer) = host_future(&mut s);
        writer.write_in(&mut s.concurrency, 7).unwrap();
        assert_eq!(live_channels(&s), 1);
        drop(reader);
        assert_eq!(live_channels(&s), 0);
    }
}
