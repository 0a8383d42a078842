/* Optional accelerator for qrinterop.emv.mpm.scan_mpm: the TLV scan of a *regular* payload.
 *
 * Why C: the pure-Python scanner costs ~250-400 ns per data object (a slice, a dict lookup and a
 * NamedTuple per object); a JPQR payload has ~19 objects, which caps parse + CRC near 115k/s on
 * one core of the reference machine against a 150k/s target (docs/perf-codec.md has the figures).
 *
 * Scope, deliberately narrow: `scan(text)` returns the tuple of root DataObjects when every level
 * is regular (each header is 4 ASCII digits with a length 01-99, each value lies inside its level,
 * no ID repeats in a level), and None otherwise. On None the caller runs the pure-Python scanner,
 * which is the only code that words structural issues; so the two paths cannot disagree on a
 * message, and on a regular payload they build the same objects (tests/codec/test_accelerator.py
 * checks both paths on the same inputs). Templates are the IDs the Python dictionary names,
 * handed over once by configure(); nothing here is keyed by payload.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define MAX_IDS 100  /* IDs are two digits, and a regular level holds each at most once */

static PyTypeObject *data_object_type = NULL;   /* qrinterop.emv.mpm.DataObject */
static PyObject *tags[MAX_IDS];                  /* "00".."99" */
static PyObject *dot = NULL;                     /* "." */
static char root_template[MAX_IDS];              /* dictionary.ROOT_TEMPLATES */
static char adf_template[MAX_IDS];               /* dictionary.ADF_TEMPLATES (inside 62) */
static const char no_template[MAX_IDS];

enum { IRREGULAR = 0, OK = 1, FAILED = -1 };

static inline int
read_digit(int kind, const void *data, Py_ssize_t i)
{
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    return (c >= '0' && c <= '9') ? (int)(c - '0') : -1;
}

/* A DataObject built the way tuple.__new__(DataObject, items) builds it; steals the references. */
static PyObject *
new_data_object(PyObject *tag, PyObject *value, PyObject *offset, PyObject *path, PyObject *children)
{
    PyObject *obj = data_object_type->tp_alloc(data_object_type, 5);
    if (obj == NULL) {
        Py_DECREF(value); Py_DECREF(offset); Py_DECREF(path); Py_DECREF(children);
        return NULL;
    }
    Py_INCREF(tag);
    PyTuple_SET_ITEM(obj, 0, tag);
    PyTuple_SET_ITEM(obj, 1, value);
    PyTuple_SET_ITEM(obj, 2, offset);
    PyTuple_SET_ITEM(obj, 3, path);
    PyTuple_SET_ITEM(obj, 4, children);
    return obj;
}

/* Scan text[start:end] as one level. `prefix` is "" at the root or "<path>." inside a template;
 * `templates` says which IDs of this level hold children; `is_root` picks the next level's table
 * ("62" -> its payment-system templates, any other template -> none). */
static int
scan_level(PyObject *text, int kind, const void *data, Py_ssize_t start, Py_ssize_t end,
           PyObject *prefix, const char *templates, int is_root, PyObject **result)
{
    PyObject *items[MAX_IDS];
    char seen[MAX_IDS] = {0};
    Py_ssize_t count = 0, i = start;

    while (i < end) {
        if (end - i < 4 || count == MAX_IDS)
            goto irregular;
        int t1 = read_digit(kind, data, i), t2 = read_digit(kind, data, i + 1);
        int l1 = read_digit(kind, data, i + 2), l2 = read_digit(kind, data, i + 3);
        if ((t1 | t2 | l1 | l2) < 0)
            goto irregular;
        int id = t1 * 10 + t2;
        Py_ssize_t n = l1 * 10 + l2, vstart = i + 4, vend = i + 4 + n;
        if (n == 0 || vend > end || seen[id])
            goto irregular;
        seen[id] = 1;

        PyObject *tag = tags[id];
        PyObject *path = (prefix == NULL) ? (Py_INCREF(tag), tag) : PyUnicode_Concat(prefix, tag);
        PyObject *value = path ? PyUnicode_Substring(text, vstart, vend) : NULL;
        PyObject *offset = value ? PyLong_FromSsize_t(i) : NULL;
        PyObject *children = NULL;
        if (offset == NULL)
            goto fail_object;
        if (templates[id]) {
            PyObject *child_prefix = PyUnicode_Concat(path, dot);
            if (child_prefix == NULL)
                goto fail_object;
            const char *next = (is_root && id == 62) ? adf_template : no_template;
            int status = scan_level(text, kind, data, vstart, vend, child_prefix, next, 0, &children);
            Py_DECREF(child_prefix);
            if (status != OK) {
                Py_DECREF(path); Py_DECREF(value); Py_DECREF(offset);
                if (status == IRREGULAR)
                    goto irregular;
                goto fail;
            }
        } else {
            Py_INCREF(Py_None);
            children = Py_None;
        }
        PyObject *obj = new_data_object(tag, value, offset, path, children);
        if (obj == NULL)
            goto fail;
        items[count++] = obj;
        i = vend;
        continue;

    fail_object:
        Py_XDECREF(path); Py_XDECREF(value); Py_XDECREF(offset);
        goto fail;
    }

    PyObject *tuple = PyTuple_New(count);
    if (tuple == NULL)
        goto fail;
    for (Py_ssize_t k = 0; k < count; k++)
        PyTuple_SET_ITEM(tuple, k, items[k]);
    *result = tuple;
    return OK;

irregular:
    for (Py_ssize_t k = 0; k < count; k++)
        Py_DECREF(items[k]);
    return IRREGULAR;
fail:
    for (Py_ssize_t k = 0; k < count; k++)
        Py_DECREF(items[k]);
    return FAILED;
}

static PyObject *
mpmscan_scan(PyObject *module, PyObject *text)
{
    if (data_object_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_mpmscan.configure() was not called");
        return NULL;
    }
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "payload must be str, got %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return NULL;
#endif
    PyObject *objects = NULL;
    int status = scan_level(text, PyUnicode_KIND(text), PyUnicode_DATA(text), 0, PyUnicode_GET_LENGTH(text),
                            NULL, root_template, 1, &objects);
    if (status == FAILED)
        return NULL;
    if (status == IRREGULAR)
        Py_RETURN_NONE;
    return objects;
}

static int
fill_table(PyObject *ids, char *table)
{
    memset(table, 0, MAX_IDS);
    for (int k = 0; k < MAX_IDS; k++) {
        int found = PySequence_Contains(ids, tags[k]);
        if (found < 0)
            return -1;
        table[k] = (char)found;
    }
    return 0;
}

static PyObject *
mpmscan_configure(PyObject *module, PyObject *args)
{
    PyObject *type, *root_ids, *adf_ids;
    if (!PyArg_ParseTuple(args, "O!OO:configure", &PyType_Type, &type, &root_ids, &adf_ids))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "DataObject must be a tuple subclass (a NamedTuple)");
        return NULL;
    }
    if (fill_table(root_ids, root_template) < 0 || fill_table(adf_ids, adf_template) < 0)
        return NULL;
    Py_INCREF(type);
    Py_XSETREF(data_object_type, (PyTypeObject *)type);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"scan", mpmscan_scan, METH_O,
     "scan(text) -> tuple of root DataObjects, or None when the payload is not regular TLV"},
    {"configure", mpmscan_configure, METH_VARARGS,
     "configure(DataObject, root_template_ids, adf_template_ids) -> None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_mpmscan", "Optional C scanner for qrinterop.emv.mpm (regular payloads only).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__mpmscan(void)
{
    for (int k = 0; k < MAX_IDS; k++) {
        tags[k] = PyUnicode_FromFormat("%02d", k);
        if (tags[k] == NULL)
            return NULL;
        PyUnicode_InternInPlace(&tags[k]);
    }
    dot = PyUnicode_FromString(".");
    if (dot == NULL)
        return NULL;
    return PyModule_Create(&module_def);
}
